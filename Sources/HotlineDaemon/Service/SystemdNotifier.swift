import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the daemon is doing (the sd_notify protocol, without libsystemd):
/// one datagram per message to the socket named by `NOTIFY_SOCKET`. Outside systemd
/// (no such variable) every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The notification socket ("@name" for the abstract namespace), if run by systemd.
    public let socketPath: String?
    /// How often systemd wants a keep-alive (`WATCHDOG_USEC`, when meant for this process).
    public let watchdogSeconds: Double?

    /// Reads the environment systemd sets for a `Type=notify` service.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        watchdogSeconds = forUs ? environment["WATCHDOG_USEC"].flatMap { Double($0) }.map { $0 / 1e6 } : nil
    }

    /// Sends `state` ("READY=1", "WATCHDOG=1", "RELOADING=1", "STOPPING=1", "STATUS=...");
    /// returns whether it was delivered.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(socketPath.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        guard name.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, message, message.count, 0, $0, length) }
        }
        return sent == message.count
    }
}
