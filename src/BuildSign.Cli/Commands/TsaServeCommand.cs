using System.CommandLine;
using System.Runtime.InteropServices;
using BuildSign.Core;
using BuildSign.DevTools.Timestamping;

namespace BuildSign.Cli.Commands;

/// <summary>
/// <c>buildsign tsa serve --cert tsa.pem --key tsa-key.pem [--port 0] [--latency-ms N] [--fail-first N] [--fail-status 503]</c>:
/// serves a development TSA on 127.0.0.1 until Ctrl+C or SIGTERM.
/// </summary>
internal static class TsaServeCommand
{
    public static Command Create()
    {
        var cert = new Option<string>("--cert") { Description = "The TSA certificate (PEM); it should carry the critical id-kp-timeStamping EKU.", Required = true };
        var key = new Option<string>("--key") { Description = "The TSA certificate's private key (PEM, RSA or ECDSA).", Required = true };
        var port = new Option<int>("--port") { Description = "The port on 127.0.0.1; 0 picks a free one.", DefaultValueFactory = _ => 0 };
        var policy = new Option<string?>("--policy") { Description = $"The TSA policy OID stated in tokens (default {TimestampAuthority.DefaultPolicyOid})." };
        var latency = new Option<int>("--latency-ms") { Description = "Milliseconds added to every request.", DefaultValueFactory = _ => 0 };
        var failFirst = new Option<int>("--fail-first") { Description = "Answer the first N requests with --fail-status.", DefaultValueFactory = _ => 0 };
        var failStatus = new Option<int>("--fail-status") { Description = "HTTP status of injected failures (sent with Retry-After: 1).", DefaultValueFactory = _ => 503 };

        var command = new Command("serve", "Serve a development RFC 3161 timestamp authority on 127.0.0.1 until Ctrl+C.");
        foreach (var option in new Option[] { cert, key, port, policy, latency, failFirst, failStatus })
            command.Options.Add(option);

        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                if (parseResult.GetValue(latency) < 0 || parseResult.GetValue(failFirst) < 0)
                    throw new SigningException("--latency-ms and --fail-first must not be negative");
                var authority = TimestampAuthority.FromPemFiles(parseResult.GetValue(cert)!, parseResult.GetValue(key)!, parseResult.GetValue(policy));
                await using var server = new TimestampAuthorityServer(authority, new TimestampAuthorityServerOptions
                {
                    Port = parseResult.GetValue(port),
                    Latency = TimeSpan.FromMilliseconds(parseResult.GetValue(latency)),
                    FailFirst = parseResult.GetValue(failFirst),
                    FailStatus = parseResult.GetValue(failStatus),
                });
                server.Start();
                await output.WriteLineAsync($"listening on {server.Url}");
                await output.FlushAsync(ct);
                await WaitForStopAsync(ct);
                return ExitCodes.Success;
            }
            catch (SigningException e)
            {
                await error.WriteLineAsync($"buildsign: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    // Ctrl+C arrives through the action's token; SIGTERM (a service manager, a test stopping the
    // process) is caught here too so the listener is closed either way.
    private static async Task WaitForStopAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
