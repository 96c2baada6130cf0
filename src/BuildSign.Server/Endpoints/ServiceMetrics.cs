using System.Globalization;
using System.Text;

namespace BuildSign.Server.Endpoints;

/// <summary>
/// Counters of this instance since it started, served at <c>GET /metrics</c> in the Prometheus text
/// format: sign requests, their body bytes, signatures made. Counts only; never a name or a secret.
/// </summary>
public sealed class ServiceMetrics
{
    private long _signRequests;
    private long _signRequestBytes;
    private long _signatures;
    private long _authenticationFailures;

    /// <summary>Counts one answered sign request.</summary>
    public void SignRequest(long bodyBytes, int signatures)
    {
        Interlocked.Increment(ref _signRequests);
        Interlocked.Add(ref _signRequestBytes, bodyBytes);
        Interlocked.Add(ref _signatures, signatures);
    }

    /// <summary>Counts one failed authentication.</summary>
    public void AuthenticationFailure() => Interlocked.Increment(ref _authenticationFailures);

    /// <summary>The counters as Prometheus text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        Counter(text, "buildsign_sign_requests_total", "Sign requests that signed (an idempotent replay is not counted)", Interlocked.Read(ref _signRequests));
        Counter(text, "buildsign_sign_request_bytes_total", "Body bytes of those sign requests", Interlocked.Read(ref _signRequestBytes));
        Counter(text, "buildsign_signatures_total", "Digests signed", Interlocked.Read(ref _signatures));
        Counter(text, "buildsign_authentication_failures_total", "Failed authentications", Interlocked.Read(ref _authenticationFailures));
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
}
