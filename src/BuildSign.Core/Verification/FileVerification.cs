namespace BuildSign.Core.Verification;

/// <summary>The verification result of one file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">The format it was read as.</param>
/// <param name="Signatures">Each signature found, primary first.</param>
/// <param name="Error">A problem with the file as a whole (unsigned, corrupt, digest mismatch).</param>
public sealed record FileVerification(string Path, string Format, IReadOnlyList<SignatureVerification> Signatures, string? Error = null)
{
    /// <summary>True when the file has at least one signature and everything verified.</summary>
    public bool IsValid => Error is null && Signatures.Count > 0 && Signatures.All(s => s.IsValid);
}
