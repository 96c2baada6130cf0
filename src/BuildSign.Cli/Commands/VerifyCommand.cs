using System.CommandLine;
using BuildSign.Cli.Output;
using BuildSign.Core.Api;

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
            var request = new VerifyRequest
            {
                Paths = result.GetValue(paths) ?? [],
                Recursive = result.GetValue(recursive),
                TrustedCertificates = result.GetValue(trusted) ?? [],
                TrustedTimestampCertificates = result.GetValue(trustedTimestamp) ?? [],
                RefuseSoftwareKeys = result.GetValue(refuseSoftware),
            };
            var outcome = await new BuildSigner().VerifyAsync(request, null, cancellationToken).ConfigureAwait(false);
            new ResultPrinter(Console.Out, Console.Error, result.GetValue(json)).PrintVerification(outcome);
            return outcome.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
