namespace BuildSign.Core.Formats;

/// <summary>What a format found in a file before signing it.</summary>
/// <param name="Format">The format's name.</param>
/// <param name="ExistingSignatures">How many signatures the file already has (nested ones included).</param>
/// <param name="State">Format-private parse results carried to the later steps, so a file is parsed once.</param>
public sealed record FileInspection(string Format, int ExistingSignatures, object? State = null)
{
    /// <summary>True when the file already carries a signature.</summary>
    public bool IsSigned => ExistingSignatures > 0;
}
