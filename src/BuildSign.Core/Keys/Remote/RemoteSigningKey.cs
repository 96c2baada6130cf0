using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BuildSign.Core.Certificates;

namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// A key in a BuildSign signing service. Only digests travel: a batch goes out in requests of
/// <see cref="RemoteKeyAddress.BatchSize"/> digests (each with its own Idempotency-Key, reused on every
/// retry), and every signature that comes back is checked against the certificate's public key before
/// it is handed on — a wrong or swapped signature refuses that item, it is never embedded.
/// </summary>
public sealed class RemoteSigningKey : ISigningKey
{
    private readonly RemoteServiceClient _client;
    private readonly RemoteKeyAddress _address;
    private readonly RemoteServiceOptions _options;
    private readonly AsymmetricAlgorithm _publicKey;

    private RemoteSigningKey(RemoteServiceClient client, RemoteKeyAddress address, RemoteServiceOptions options, KeyAlgorithm algorithm, SignerCertificateChain chain, string? protection)
    {
        _client = client;
        _address = address;
        _options = options;
        Algorithm = algorithm;
        Certificate = chain.Leaf;
        Intermediates = chain.Intermediates;
        _publicKey = algorithm == KeyAlgorithm.Rsa ? chain.Leaf.GetRSAPublicKey()! : chain.Leaf.GetECDsaPublicKey()!;
        KeySizeInBits = _publicKey.KeySize;
        DisplayName = $"signing service key {address.DisplayText}" + (protection is null ? "" : $" ({protection})");
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public KeyProtection Protection => KeyProtection.SigningService;

    /// <inheritdoc />
    public KeyAlgorithm Algorithm { get; }

    /// <inheritdoc />
    public int KeySizeInBits { get; }

    /// <inheritdoc />
    public X509Certificate2 Certificate { get; }

    /// <inheritdoc />
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>HTTP requests sent so far, retries included (for benchmarks and tests).</summary>
    public int RequestCount => _client.Requests;

    /// <summary>Request body bytes sent so far, retries included.</summary>
    public long RequestBytes => _client.RequestBytes;

    /// <summary>
    /// Opens the key: reads its algorithm and certificate chain from the service (or takes the
    /// certificate from <paramref name="certificatePath"/>, which must be the key's).
    /// </summary>
    public static async Task<RemoteSigningKey> OpenAsync(RemoteKeyAddress address, string? certificatePath, RemoteServiceOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new RemoteServiceOptions();
        var credential = options.ReadToken();
        var client = new RemoteServiceClient(address, credential, options);
        try
        {
            if (IsOidcToken(credential))
            {
                // A CI OIDC token may be presented once (the service refuses a replayed jti): exchange it
                // for a session token that this run's further requests carry.
                using var exchange = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/oidc/session"), cancellationToken).ConfigureAwait(false);
                await ThrowIfFailedAsync(exchange, address, cancellationToken).ConfigureAwait(false);
                var session = await exchange.Content.ReadFromJsonAsync(RemoteApiJson.Default.RemoteOidcSession, cancellationToken).ConfigureAwait(false);
                client.UseToken(session?.Token ?? throw new SigningException("the signing service sent no session for the OIDC token"));
            }
            using var response = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v1/keys/{Uri.EscapeDataString(address.KeyId)}"), cancellationToken).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, address, cancellationToken).ConfigureAwait(false);
            var info = await response.Content.ReadFromJsonAsync(RemoteApiJson.Default.RemoteKeyInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new SigningException($"the signing service sent an empty description of key {address.KeyId}");
            var algorithm = info.Algorithm?.StartsWith("rsa", StringComparison.Ordinal) == true ? KeyAlgorithm.Rsa
                : info.Algorithm?.StartsWith("ecdsa", StringComparison.Ordinal) == true ? KeyAlgorithm.Ecdsa
                : throw new SigningException($"the signing service key {address.KeyId} has an unknown algorithm '{info.Algorithm}'");
            if (info.Disabled)
            {
                throw new SigningException($"the signing service key {address.KeyId} is disabled");
            }
            IReadOnlyList<X509Certificate2> candidates;
            if (certificatePath is not null)
            {
                candidates = CertificateFile.Load(certificatePath);
            }
            else if (!string.IsNullOrEmpty(info.CertificateChain))
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPem(info.CertificateChain);
                candidates = [.. collection];
            }
            else
            {
                throw new SigningException($"the signing service key {address.KeyId} has no certificate installed yet; a key admin installs one with PUT /v1/keys/{address.KeyId}/certificate");
            }
            var publicKey = info.PublicKey ?? "";
            var chain = SignerCertificateChain.Select(candidates, c => Convert.ToBase64String(c.PublicKey.ExportSubjectPublicKeyInfo()) == publicKey, issuersOnly: false)
                ?? throw new SigningException(certificatePath is null
                    ? $"the certificate the signing service holds for key {address.KeyId} is not the key's"
                    : $"the certificate file {certificatePath} is not the certificate of signing service key {address.KeyId}");
            return new RemoteSigningKey(client, address, options, algorithm, chain, info.KeyProtection);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var requests = batch.Requests;
        var results = new DigestSignature[requests.Count];
        var chunks = Enumerable.Range(0, (requests.Count + _address.BatchSize - 1) / _address.BatchSize)
            .Select(c => (Start: c * _address.BatchSize, Count: Math.Min(_address.BatchSize, requests.Count - (c * _address.BatchSize))));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.ParallelRequests), CancellationToken = cancellationToken }, async (chunk, token) =>
        {
            var slice = requests.Skip(chunk.Start).Take(chunk.Count).ToList();
            var signatures = await SignChunkAsync(slice, batch.Context, token).ConfigureAwait(false);
            for (var i = 0; i < slice.Count; i++)
            {
                var result = Check(slice[i], signatures[i]);
                results[chunk.Start + i] = result;
                signed?.Invoke(chunk.Start + i, result);
            }
        }).ConfigureAwait(false);
        return results;
    }

    /// <summary>Releases the HTTP connections.</summary>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _publicKey.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<IReadOnlyList<string?>> SignChunkAsync(IReadOnlyList<DigestSignRequest> slice, SigningRunContext context, CancellationToken cancellationToken)
    {
        foreach (var request in slice)
        {
            if (request.Digest.Length != request.Algorithm.SizeInBytes())
            {
                throw new SigningException($"the {request.Algorithm.DisplayName()} digest for {request.Label} is {request.Digest.Length} bytes, not {request.Algorithm.SizeInBytes()}");
            }
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new RemoteSignRequest(
            [.. slice.Select(r => new RemoteSignItem(r.Algorithm.DisplayName(), Convert.ToBase64String(r.Digest.Span), FileName(r.Label)))],
            context.Properties.Count == 0 ? null : context.Properties), RemoteApiJson.Default.RemoteSignRequest);
        // One key for this batch, sent with every retry: the service signs and audits it once.
        var idempotencyKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var response = await _client.SendAsync(() =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"v1/keys/{Uri.EscapeDataString(_address.KeyId)}/sign") { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            message.Headers.Add("Idempotency-Key", idempotencyKey);
            return message;
        }, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, _address, cancellationToken).ConfigureAwait(false);
        RemoteSignResponse? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync(RemoteApiJson.Default.RemoteSignResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw new SigningException("the signing service answered a sign request with malformed JSON");
        }
        var signatures = answer?.Signatures;
        if (signatures is null || signatures.Count != slice.Count)
        {
            throw new SigningException($"the signing service returned {signatures?.Count ?? 0} signatures for {slice.Count} digests; none of them is used");
        }
        return signatures;
    }

    private DigestSignature Check(DigestSignRequest request, string? encoded)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(encoded ?? "");
        }
        catch (FormatException)
        {
            return DigestSignature.Refused($"the signing service returned a malformed signature for {request.Label}");
        }
        var digest = request.Digest.Span;
        var valid = signature.Length > 0 && _publicKey switch
        {
            RSA rsa => rsa.VerifyHash(digest, signature, request.Algorithm.ToHashAlgorithmName(), RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence),
            _ => false,
        };
        return valid
            ? DigestSignature.Signed(signature)
            : DigestSignature.Refused($"the signing service returned a signature for {request.Label} that does not verify with the key's certificate");
    }

    // A JWT: three base64url parts; API tokens (bst_) and session tokens (bss_) are not.
    private static bool IsOidcToken(string credential) =>
        credential.Count(c => c == '.') == 2 && !credential.StartsWith("bst_", StringComparison.Ordinal) && !credential.StartsWith("bss_", StringComparison.Ordinal);

    private static string? FileName(string label) => string.IsNullOrEmpty(label) ? null : label.Length > 260 ? label[^260..] : label;

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, RemoteKeyAddress address, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        string? said = null;
        try
        {
            said = (await response.Content.ReadFromJsonAsync(RemoteApiJson.Default.RemoteError, cancellationToken).ConfigureAwait(false))?.Error;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not a service error body (a proxy's page): the status says enough.
        }
        var reason = said is null ? "" : $": {said.ReplaceLineEndings(" ")}";
        throw new SigningException(response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"the signing service refused the credential in {RemoteServiceOptions.TokenVariable} (unknown, expired or revoked)",
            HttpStatusCode.NotFound => $"the signing service has no key {address.KeyId} that this credential may use",
            HttpStatusCode.Forbidden => $"the credential in {RemoteServiceOptions.TokenVariable} may not do this with key {address.KeyId}{reason}",
            _ => $"the signing service refused the request ({(int)response.StatusCode}){reason}",
        });
    }
}
