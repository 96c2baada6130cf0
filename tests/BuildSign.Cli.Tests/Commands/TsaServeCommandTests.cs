using System.CommandLine;
using BuildSign.Cli.Commands;
using BuildSign.Core;
using BuildSign.Core.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Cli.Tests.Commands;

/// <summary><c>buildsign tsa serve</c>: announces its URL, issues timestamps, stops on cancellation.</summary>
public sealed class TsaServeCommandTests
{
    [Fact]
    public async Task Serves_timestamps_until_cancelled()
    {
        var pki = TestPki.Shared;
        var output = new StringWriter();
        var configuration = new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = new StringWriter() };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var parse = TsaCommand.Create().Parse(["serve", "--cert", pki.TsaLeafPem, "--key", pki.TsaKeyPem, "--port", "0"]);
        Assert.Empty(parse.Errors);

        var run = parse.InvokeAsync(configuration, stop.Token);
        var url = await WaitForUrlAsync(output, run);
        using (var client = new TimestampClient(new TimestampOptions { Urls = [url], BaseDelay = TimeSpan.FromMilliseconds(10) }))
        {
            var result = await client.TimestampAsync(new byte[] { 1, 2, 3 }, DigestAlgorithm.Sha256, CancellationToken.None);
            Assert.Equal(pki.TsaLeaf.Thumbprint, result.TsaCertificate.Thumbprint);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Missing_key_file_is_one_clear_error()
    {
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = new StringWriter(), Error = error };
        var parse = TsaCommand.Create().Parse(["serve", "--cert", TestPki.Shared.TsaLeafPem, "--key", "/nonexistent/tsa-key.pem"]);

        var exitCode = await parse.InvokeAsync(configuration, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("buildsign: cannot load the TSA certificate", error.ToString());
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
    }

    private static async Task<Uri> WaitForUrlAsync(StringWriter output, Task<int> run)
    {
        const string Prefix = "listening on ";
        for (var i = 0; i < 200; i++)
        {
            var text = output.ToString();
            if (text.Contains(Prefix, StringComparison.Ordinal))
                return new Uri(text[(text.IndexOf(Prefix, StringComparison.Ordinal) + Prefix.Length)..].Trim());
            Assert.False(run.IsCompleted, $"the command ended early: {text}");
            await Task.Delay(50);
        }
        throw new TimeoutException("the command did not announce its URL within 10 s");
    }
}
