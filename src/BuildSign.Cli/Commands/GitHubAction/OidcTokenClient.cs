using System.Net.Http.Headers;
using System.Text.Json;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Asks the runner for an OpenID Connect token of the job (GitHub's <c>id-token: write</c>
/// permission): GET <c>ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=…</c> with the request token as a
/// bearer, answered with <c>{"value": "JWT"}</c>. The token is registered as a secret before this
/// returns, so nothing later can print it.
/// </summary>
internal sealed class OidcTokenClient(RunnerEnvironment runner, WorkflowCommands log, HttpMessageHandler? handler = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Requests a token for <paramref name="audience"/>.</summary>
    public async Task<string> RequestAsync(string audience, CancellationToken cancellationToken)
    {
        var requestUrl = runner.IdTokenRequestUrl;
        var requestToken = runner.IdTokenRequestToken;
        if (requestUrl is null || requestToken is null)
        {
            throw new ActionFailure("OIDC", "no OIDC token is available to this job: add 'permissions: id-token: write' to the job (or the workflow), or give the signing service's API token in the 'token' input");
        }
        log.AddMask(requestToken);
        var separator = requestUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        if (!Uri.TryCreate($"{requestUrl}{separator}audience={Uri.EscapeDataString(audience)}", UriKind.Absolute, out var url))
        {
            throw new ActionFailure("OIDC", "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL");
        }
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("buildsign", "1"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ActionFailure("OIDC", $"the runner's OIDC token endpoint could not be reached: {exception.Message}", exception);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ActionFailure("OIDC", $"the runner's OIDC token endpoint answered HTTP {(int)response.StatusCode}; check that the job has 'permissions: id-token: write'");
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var token = ValueOf(body);
            log.AddMask(token);
            return token;
        }
    }

    private static string ValueOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("value", out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } token)
            {
                return token;
            }
        }
        catch (JsonException)
        {
        }
        throw new ActionFailure("OIDC", "the runner's OIDC token endpoint answered without a token (no \"value\" in its JSON)");
    }
}
