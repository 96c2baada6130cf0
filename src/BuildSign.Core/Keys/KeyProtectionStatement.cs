namespace BuildSign.Core.Keys;

/// <summary>
/// The text form of <see cref="KeyProtection"/> as it appears in output and in the key-protection
/// signed attribute (<see cref="WellKnownOids.KeyProtectionAttribute"/>).
/// </summary>
public static class KeyProtectionStatement
{
    /// <summary>hardware-local, signing-service or software.</summary>
    public static string ToText(this KeyProtection protection) => protection switch
    {
        KeyProtection.HardwareLocal => "hardware-local",
        KeyProtection.SigningService => "signing-service",
        KeyProtection.Software => "software",
        _ => throw new ArgumentOutOfRangeException(nameof(protection)),
    };

    /// <summary>Parses the text form; null when it is not one BuildSign writes.</summary>
    public static KeyProtection? Parse(string text) => text switch
    {
        "hardware-local" => KeyProtection.HardwareLocal,
        "signing-service" => KeyProtection.SigningService,
        "software" => KeyProtection.Software,
        _ => null,
    };
}
