using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using BuildSign.Core.Certificates;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// A private key in a PKCS#11 token. Opening it logs in once; a batch of digests is then signed
/// over a pool of sessions (one per processor) in parallel, and later batches reuse the sessions
/// and the login. RSA keys sign with CKM_RSA_PKCS over a DigestInfo, ECDSA keys with CKM_ECDSA
/// over the digest; ECDSA signatures are returned DER-encoded.
/// </summary>
public sealed class Pkcs11SigningKey : ISigningKey
{
    private readonly Pkcs11Module _module;
    private readonly Pkcs11SessionPool _pool;
    private readonly ulong _slotId;
    private readonly ulong _keyHandleId;
    private readonly bool _loggedIn;
    private readonly string _tokenName;
    private int _disposed;

    private Pkcs11SigningKey(Pkcs11Module module, Pkcs11SessionPool pool, ulong slotId, ulong keyHandleId, bool loggedIn, string tokenName, string keyName, KeyAlgorithm algorithm, SignerCertificateChain chain)
    {
        _module = module;
        _pool = pool;
        _slotId = slotId;
        _keyHandleId = keyHandleId;
        _loggedIn = loggedIn;
        _tokenName = tokenName;
        Algorithm = algorithm;
        Certificate = chain.Leaf;
        Intermediates = chain.Intermediates;
        KeySizeInBits = algorithm == KeyAlgorithm.Rsa
            ? chain.Leaf.GetRSAPublicKey()!.KeySize
            : chain.Leaf.GetECDsaPublicKey()!.KeySize;
        DisplayName = $"PKCS#11 key {keyName} in token {tokenName}";
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public KeyProtection Protection => KeyProtection.HardwareLocal;

    /// <inheritdoc />
    public KeyAlgorithm Algorithm { get; }

    /// <inheritdoc />
    public int KeySizeInBits { get; }

    /// <inheritdoc />
    public X509Certificate2 Certificate { get; }

    /// <inheritdoc />
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>How many sessions sign in parallel.</summary>
    public int SessionCount => _pool.Count;

    /// <summary>
    /// Opens the key a PKCS#11 URI names, logs in with the PIN from its pin-source, and takes the
    /// certificate from <paramref name="certificatePath"/> (PEM chain or DER) or, when null, from the
    /// token's certificate object with the key's id (or label).
    /// </summary>
    public static Task<Pkcs11SigningKey> OpenAsync(Pkcs11Uri uri, string? certificatePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Task.Run(() => Open(uri, certificatePath), cancellationToken);
    }

    private static Pkcs11SigningKey Open(Pkcs11Uri uri, string? certificatePath)
    {
        if (uri.Type is not null and not "private")
        {
            throw new SigningException($"a signing key must name a private key (type=private), not type={uri.Type}");
        }
        var pin = uri.PinSource?.ReadPin();
        var module = Pkcs11Module.Acquire(uri.ModulePath, uri.SoftHsmConfigPath);
        var sessions = new List<ISession>();
        ulong slotId = 0;
        var loggedIn = false;
        try
        {
            var (slot, token) = Pkcs11TokenLocator.Find(module, uri);
            slotId = slot.SlotId;
            var tokenName = Pkcs11TokenLocator.Name(token);
            var first = OpenSession(slot, tokenName);
            sessions.Add(first);
            if (pin is not null)
            {
                module.Login(first, slotId, pin, tokenName);
                loggedIn = true;
            }
            else if (token.TokenFlags.LoginRequired)
            {
                throw new SigningException($"token {tokenName} needs a PIN; add pin-source=env:NAME or pin-source=file:PATH to the key");
            }

            var (keyHandle, keyName, algorithm, keyId, keyLabel) = FindPrivateKey(first, uri, tokenName);
            var chain = FindCertificate(first, keyHandle, algorithm, keyId, keyLabel, certificatePath, keyName, tokenName);

            for (var i = 1; i < SessionsFor(token); i++)
            {
                sessions.Add(OpenSession(slot, tokenName));
            }
            return new Pkcs11SigningKey(module, new Pkcs11SessionPool(sessions), slotId, keyHandle.ObjectId, loggedIn, tokenName, keyName, algorithm, chain);
        }
        catch
        {
            module.Close(sessions, slotId, loggedIn);
            throw;
        }
        finally
        {
            if (pin is not null) CryptographicOperations.ZeroMemory(pin);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var requests = batch.Requests;
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var inputs = new byte[requests.Count][];
        for (var i = 0; i < requests.Count; i++)
        {
            inputs[i] = SigningInput(requests[i]);
        }
        var signatures = new DigestSignature[requests.Count];
        var next = -1;
        var workers = Math.Min(_pool.Count, requests.Count);
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            // Dedicated threads: each worker blocks in native C_Sign calls for the whole batch.
            tasks[w] = Task.Factory.StartNew(() =>
            {
                var session = _pool.Rent(cancellationToken);
                try
                {
                    var key = session.Factories.ObjectHandleFactory.Create(_keyHandleId);
                    using var mechanism = session.Factories.MechanismFactory.Create(Algorithm == KeyAlgorithm.Rsa ? CKM.CKM_RSA_PKCS : CKM.CKM_ECDSA);
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < inputs.Length)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        signatures[index] = DigestSignature.Signed(Sign(session, mechanism, key, inputs[index], requests[index].Label));
                        signed?.Invoke(index, signatures[index]);
                    }
                }
                catch
                {
                    // One failure fails the batch: stop the other workers from taking more digests.
                    Volatile.Write(ref next, inputs.Length);
                    throw;
                }
                finally
                {
                    _pool.Return(session);
                }
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return signatures;
    }

    /// <summary>Waits for running batches, logs out (when this was the last key using the login), closes the sessions and releases the module.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _pool.DrainAsync().ConfigureAwait(false);
        _module.Close(_pool.All, _slotId, _loggedIn);
    }

    private byte[] SigningInput(DigestSignRequest request)
    {
        if (request.Digest.Length != request.Algorithm.SizeInBytes())
        {
            throw new SigningException($"the {request.Algorithm.DisplayName()} digest for {request.Label} is {request.Digest.Length} bytes, not {request.Algorithm.SizeInBytes()}");
        }
        return Algorithm == KeyAlgorithm.Rsa ? DigestInfoEncoding.Encode(request.Algorithm, request.Digest.Span) : request.Digest.ToArray();
    }

    private byte[] Sign(ISession session, IMechanism mechanism, IObjectHandle key, byte[] input, string label)
    {
        byte[] signature;
        try
        {
            signature = session.Sign(mechanism, key, input);
        }
        catch (Pkcs11Exception ex)
        {
            throw Pkcs11Errors.Operation(ex, $"signing {label}", _tokenName);
        }
        return Algorithm == KeyAlgorithm.Ecdsa ? EcdsaSignatureEncoding.ToDer(signature) : signature;
    }

    private static ISession OpenSession(ISlot slot, string tokenName)
    {
        try
        {
            return slot.OpenSession(SessionType.ReadOnly);
        }
        catch (Pkcs11Exception ex)
        {
            throw Pkcs11Errors.Operation(ex, "opening a session", tokenName);
        }
    }

    private static int SessionsFor(ITokenInfo token)
    {
        var wanted = Math.Max(1, Environment.ProcessorCount);
        // 0 means "effectively infinite" and all-ones "unknown"; only a real limit caps the pool.
        var limit = token.MaxSessionCount;
        return limit is 0 or ulong.MaxValue or > int.MaxValue ? wanted : (int)Math.Clamp((long)limit - (long)token.SessionCount + 1, 1, wanted);
    }

    private static (IObjectHandle Handle, string Name, KeyAlgorithm Algorithm, byte[] Id, string? Label) FindPrivateKey(ISession session, Pkcs11Uri uri, string tokenName)
    {
        var what = uri switch
        {
            { Object: not null, Id: not null } => $"labelled '{uri.Object}' with id {Convert.ToHexStringLower(uri.Id)}",
            { Object: not null } => $"labelled '{uri.Object}'",
            { Id: not null } => $"with id {Convert.ToHexStringLower(uri.Id)}",
            _ => "",
        };
        var handles = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, uri.Object, uri.Id);
        if (handles.Count == 0)
        {
            var hint = session.GetSessionInfo().State is CKS.CKS_RO_PUBLIC_SESSION or CKS.CKS_RW_PUBLIC_SESSION ? " (not logged in: add a pin-source to see private keys)" : "";
            throw new SigningException($"no private key {what} in token {tokenName}{hint}".Replace("key  in", "key in", StringComparison.Ordinal));
        }
        if (handles.Count > 1)
        {
            throw new SigningException($"{handles.Count} private keys {what} in token {tokenName}; name one with object= or id=".Replace("keys  in", "keys in", StringComparison.Ordinal));
        }
        var values = Pkcs11Objects.Read(session, handles[0], CKA.CKA_KEY_TYPE, CKA.CKA_SIGN, CKA.CKA_LABEL, CKA.CKA_ID);
        var label = values.Text(CKA.CKA_LABEL);
        var id = values.Bytes(CKA.CKA_ID) ?? [];
        var name = !string.IsNullOrEmpty(label) ? $"'{label}'" : $"with id {Convert.ToHexStringLower(id)}";
        if (values.Flag(CKA.CKA_SIGN) == false)
        {
            throw new SigningException($"key {name} in token {tokenName} may not sign (its CKA_SIGN is false)");
        }
        var algorithm = (CKK?)values.Number(CKA.CKA_KEY_TYPE) switch
        {
            CKK.CKK_RSA => KeyAlgorithm.Rsa,
            CKK.CKK_EC => KeyAlgorithm.Ecdsa,
            var other => throw new SigningException($"key {name} in token {tokenName} is of type {other}; BuildSign signs with RSA or ECDSA keys"),
        };
        return (handles[0], name, algorithm, id, label);
    }

    private static SignerCertificateChain FindCertificate(ISession session, IObjectHandle key, KeyAlgorithm algorithm, byte[] keyId, string? keyLabel, string? certificatePath, string keyName, string tokenName)
    {
        IReadOnlyList<X509Certificate2> candidates;
        string source;
        if (certificatePath is not null)
        {
            candidates = CertificateFile.Load(certificatePath);
            source = $"the certificate file {certificatePath}";
        }
        else
        {
            var handles = keyId.Length > 0 ? Pkcs11Objects.Find(session, CKO.CKO_CERTIFICATE, id: keyId) : [];
            if (handles.Count == 0 && keyLabel is not null)
            {
                handles = Pkcs11Objects.Find(session, CKO.CKO_CERTIFICATE, label: keyLabel);
            }
            if (handles.Count == 0)
            {
                throw new SigningException($"token {tokenName} holds no certificate for key {keyName}; give one with a certificate file");
            }
            // Other certificates on the token may be the issuers to embed; the chain picks those it needs.
            var all = handles.Concat(Pkcs11Objects.Find(session, CKO.CKO_CERTIFICATE).Where(h => handles.All(k => k.ObjectId != h.ObjectId)));
            candidates = [.. all.Select(h => Pkcs11Objects.Read(session, h, CKA.CKA_VALUE).Bytes(CKA.CKA_VALUE)).Where(v => v is { Length: > 0 }).Select(v => X509CertificateLoader.LoadCertificate(v!))];
            source = $"the certificate stored with it in token {tokenName}";
        }

        var proofDigest = SHA256.HashData(Guid.NewGuid().ToByteArray());
        byte[] proof;
        using (var mechanism = session.Factories.MechanismFactory.Create(algorithm == KeyAlgorithm.Rsa ? CKM.CKM_RSA_PKCS : CKM.CKM_ECDSA))
        {
            try
            {
                proof = session.Sign(mechanism, key, algorithm == KeyAlgorithm.Rsa ? DigestInfoEncoding.Encode(DigestAlgorithm.Sha256, proofDigest) : proofDigest);
            }
            catch (Pkcs11Exception ex)
            {
                throw Pkcs11Errors.Operation(ex, $"signing with key {keyName}", tokenName);
            }
        }
        var chain = SignerCertificateChain.Select(candidates, certificate => Verifies(certificate, algorithm, proofDigest, proof), issuersOnly: certificatePath is null);
        return chain ?? throw new SigningException($"{source} does not match key {keyName} in token {tokenName}");
    }

    // A signature the certificate's public key accepts proves the certificate belongs to the token's key,
    // whatever public-key attributes the token chooses to expose.
    private static bool Verifies(X509Certificate2 certificate, KeyAlgorithm algorithm, byte[] digest, byte[] signature)
    {
        if (algorithm == KeyAlgorithm.Rsa)
        {
            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        using var ecdsa = certificate.GetECDsaPublicKey();
        return ecdsa is not null && ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
