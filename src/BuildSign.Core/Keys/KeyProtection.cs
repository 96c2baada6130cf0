namespace BuildSign.Core.Keys;

/// <summary>How a signing key is protected; stated in every signature BuildSign makes.</summary>
public enum KeyProtection
{
    /// <summary>A key in a local hardware module reached through PKCS#11.</summary>
    HardwareLocal,
    /// <summary>A key held by a remote signing service.</summary>
    SigningService,
    /// <summary>A software key from a file: development and tests only.</summary>
    Software,
}
