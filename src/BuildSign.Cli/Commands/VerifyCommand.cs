using System.CommandLine;
using BuildSign.Cli.Output;
using BuildSign.Core;
using BuildSign.Core.Certificates;
using BuildSign.Core.Formats;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Verification;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign verify</c>: checks every signature of every file.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var trusted = new Option<string[]>("--trusted-certificate")
        {
            Description = "A trust anchor (PEM or DER) for signer chains (code signing); repeatable. Without one, the system store is used",
        };
        var trustedTimestamp = new Option<string[]>("--trusted-timestamp-certificate")
        {
            Description = "A trust anchor (PEM or DER) for timestamp authority chains; repeatable. Without one, the system store is used. Only a trusted timestamp extends an expired signer's validity",
        };
        var refuseSoftware = new Option<bool>("--refuse-software-keys") { Description = "Fail signatures that state a software key" };
        var recursive = new Option<bool>("--recursive") { Description = "Verify the signed files in directories" };
        var json = CommonOptions.Json();
        var paths = CommonOptions.Paths();
        var command = new Command("verify", "Verify the signatures of files: digest, CMS signature, chain, timestamp") { trusted, trustedTimestamp, refuseSoftware, recursive, json, paths };
        command.SetAction(async (result, cancellationToken) =>
        {
            var printer = new ResultPrinter(Console.Out, Console.Error, result.GetValue(json));
            try
            {
                var options = new VerificationOptions
                {
                    TrustedCertificates = [.. (result.GetValue(trusted) ?? []).SelectMany(CertificateFile.Load)],
                    TrustedTimestampCertificates = [.. (result.GetValue(trustedTimestamp) ?? []).SelectMany(CertificateFile.Load)],
                    RefuseSoftwareKeys = result.GetValue(refuseSoftware),
                };
                var results = await VerifyAllAsync(result.GetValue(paths) ?? [], result.GetValue(recursive), options, cancellationToken).ConfigureAwait(false);
                printer.PrintVerification(results);
                return results.Count > 0 && results.All(r => r.IsValid) ? ExitCodes.Success : ExitCodes.Failed;
            }
            catch (SigningException exception)
            {
                printer.PrintError(exception.Message);
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<FileVerification>> VerifyAllAsync(string[] paths, bool recursive, VerificationOptions options, CancellationToken cancellationToken)
    {
        var registry = DefaultFormats.CreateRegistry();
        var files = FileDiscovery.Discover(paths, recursive);
        var results = new FileVerification?[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), cancellationToken, async (i, ct) =>
        {
            var file = files[i];
            if (file.Error is not null)
            {
                results[i] = new FileVerification(file.Path, "unknown", [], file.Error);
                return;
            }
            var format = registry.Classify(FileHead.Read(file.Path), file.NamedExplicitly);
            if (format is null)
            {
                results[i] = file.NamedExplicitly ? new FileVerification(file.Path, "unknown", [], "unsupported file format") : null;
                return;
            }
            try
            {
                results[i] = await format.VerifyAsync(file.Path, options, ct).ConfigureAwait(false);
            }
            catch (SigningException exception)
            {
                results[i] = new FileVerification(file.Path, format.Name, [], exception.Reason);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                results[i] = new FileVerification(file.Path, format.Name, [], exception.Message);
            }
        }).ConfigureAwait(false);
        return [.. results.OfType<FileVerification>()];
    }
}
