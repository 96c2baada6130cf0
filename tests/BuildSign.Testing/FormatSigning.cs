using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys;

namespace BuildSign.Testing;

/// <summary>
/// One format's steps as the pipeline runs them for one file (inspect, prepare, sign, embed, check),
/// without the pipeline around them: for format tests that need to see each step's effect.
/// </summary>
public static class FormatSigning
{
    /// <summary>Signs <paramref name="source"/> into <paramref name="output"/>; the source is not changed.</summary>
    public static async Task SignToAsync(IFileFormat format, string source, string output, ISigningKey key, SignatureOptions options, ExistingSignatureAction action)
    {
        var ct = CancellationToken.None;
        var inspection = await format.InspectAsync(source, ct);
        var input = await format.PrepareAsync(source, inspection, options, ct);
        var signature = await CmsSigner.SignAsync(input, key, ct);
        await format.EmbedAsync(source, output, input, signature, action, ct);
        await format.CheckWrittenAsync(source, output, input, ct);
    }
}
