/// The Hotline release, shared by the daemon and the command-line tool.
public enum HotlineVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
