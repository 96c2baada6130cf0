namespace BuildSign.Core.Keys;

/// <summary>The outcome of one item of a batch: a signature, or the reason it was refused.</summary>
public sealed record DigestSignature
{
    private DigestSignature(byte[]? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The signature, ready to go into a CMS SignerInfo; null when refused.</summary>
    public byte[]? Value { get; }

    /// <summary>Why the item was not signed; null when it was.</summary>
    public string? Error { get; }

    /// <summary>True when the item was signed.</summary>
    public bool Succeeded => Value is not null;

    /// <summary>A signed item.</summary>
    public static DigestSignature Signed(byte[] value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A refused item, with a one-line reason that holds no secret.</summary>
    public static DigestSignature Refused(string reason) => new(null, reason ?? throw new ArgumentNullException(nameof(reason)));
}
