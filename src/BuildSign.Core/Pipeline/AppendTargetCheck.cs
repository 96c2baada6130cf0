using BuildSign.Core.Formats;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// A nested signature is only as good as the primary it is stored in: appending to a signature
/// that does not verify yields a file no verifier accepts. Before a file is planned for append,
/// its existing signatures are checked for integrity (digest, CMS signature, timestamp token) —
/// not for trust, since the signer of the file need not trust the earlier publisher's root.
/// </summary>
internal static class AppendTargetCheck
{
    private static readonly VerificationOptions IntegrityOnly = new() { IntegrityOnly = true };

    /// <summary>
    /// Returns <paramref name="decision"/>, or a refusal naming the reason when the decision is to
    /// append and an existing signature of <paramref name="path"/> does not verify.
    /// </summary>
    public static async Task<(PlannedAction Action, string? Reason)> ApplyAsync(IFileFormat format, string path, (PlannedAction Action, string? Reason) decision, CancellationToken cancellationToken)
    {
        if (decision.Action != PlannedAction.Append)
        {
            return decision;
        }
        string? problem;
        try
        {
            var verification = await format.VerifyAsync(path, IntegrityOnly, cancellationToken).ConfigureAwait(false);
            problem = verification.Error ?? verification.Signatures.SelectMany(s => s.Problems).FirstOrDefault();
        }
        catch (Exception exception) when (exception is SigningException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            problem = exception is SigningException signing ? signing.Reason : exception.Message;
        }
        return problem is null
            ? decision
            : (PlannedAction.Refuse, $"cannot append: the existing signature does not verify ({problem}); replace it instead");
    }
}
