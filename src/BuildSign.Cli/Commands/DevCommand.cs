using System.CommandLine;
using BuildSign.Core;
using BuildSign.DevTools.Tokens;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign dev init</c>: the embedded default, a SoftHSM2 token with a dev key and certificate.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--dir")
        {
            Description = "Folder for the token, its SoftHSM2 configuration, PIN file and dev CA",
            DefaultValueFactory = _ => DevTokenProvisioner.DefaultFolder,
        };
        var envFile = new Option<string?>("--env-file") { Description = "Also write SOFTHSM2_CONF and BUILDSIGN_KEY as shell export lines to this file" };
        var init = new Command("init", "Create (or reuse) the development SoftHSM2 token with an RSA-3072 key generated inside it") { folder, envFile };
        init.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var token = await DevTokenProvisioner.ProvisionAsync(Path.GetFullPath(result.GetValue(folder)!), cancellationToken: cancellationToken).ConfigureAwait(false);
                Console.WriteLine(token.Created ? $"created the dev token in {Path.GetDirectoryName(token.SoftHsmConfigPath)}" : $"the dev token in {Path.GetDirectoryName(token.SoftHsmConfigPath)} is ready");
                Console.WriteLine($"key string:        {token.KeyString}");
                Console.WriteLine($"dev root CA:       {token.DevRootCertificatePath} (trust it to verify: --trusted-certificate)");
                Console.WriteLine($"signer cert:       {token.SignerCertificatePath}");
                Console.WriteLine($"timestamp cert:    {token.TimestampCertificatePath} (for buildsign tsa serve)");
                Console.WriteLine($"for other PKCS#11 tools: export SOFTHSM2_CONF={token.SoftHsmConfigPath}");
                Console.WriteLine("development only: the dev root is not trusted anywhere else.");
                if (result.GetValue(envFile) is { } path)
                {
                    await File.WriteAllTextAsync(path, $"export SOFTHSM2_CONF='{token.SoftHsmConfigPath}'\nexport BUILDSIGN_KEY='{token.KeyString}'\n", cancellationToken).ConfigureAwait(false);
                }
                return ExitCodes.Success;
            }
            catch (SigningException exception)
            {
                await Console.Error.WriteLineAsync($"buildsign: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });
        return new Command("dev", "Development set-up") { init };
    }
}
