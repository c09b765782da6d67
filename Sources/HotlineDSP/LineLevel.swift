import Foundation

/// Telephone signal levels. 0 dBm0 is the reference level of the digital line: a full-
/// scale sine in G.711 mu-law is +3.17 dBm0, so a 0 dBm0 sine has a peak amplitude of
/// 10^(-3.17/20) = 0.694 of full scale.
public enum LineLevel {
    /// Level of a full-scale sine, dBm0.
    public static let fullScaleSineDbm0 = 3.17

    /// Peak amplitude (full scale 1.0) of a sine at `dbm0`.
    public static func sineAmplitude(dbm0: Double) -> Double {
        pow(10, (dbm0 - fullScaleSineDbm0) / 20)
    }

    /// Level in dBm0 of a sine with peak `amplitude`.
    public static func dbm0(sineAmplitude amplitude: Double) -> Double {
        20 * log10(max(amplitude, 1e-12)) + fullScaleSineDbm0
    }
}
