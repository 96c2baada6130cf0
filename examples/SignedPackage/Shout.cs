namespace SignedPackage;

/// <summary>The packable library of the examples.</summary>
public static class Shout
{
    /// <summary>Upper-cases <paramref name="text"/> and adds an exclamation mark.</summary>
    public static string Loudly(string text) => text.ToUpperInvariant() + "!";
}
