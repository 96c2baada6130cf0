using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11.Vault;

/// <summary>
/// A token in which a signing service generates and uses many keys, named by their CKA_ID. Keys are
/// generated inside the token as sensitive, private, never-extractable token objects; nothing here
/// reads or returns a private key's value. One login for the process, a pool of read-write sessions
/// used one thread at a time, signing in parallel.
/// </summary>
public sealed class Pkcs11KeyVault : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly Pkcs11SessionPool _pool;
    private readonly ulong _slotId;
    private readonly string _tokenName;
    private readonly ConcurrentDictionary<string, ulong> _privateHandles = new(StringComparer.Ordinal);
    private int _disposed;

    private Pkcs11KeyVault(Pkcs11Module module, Pkcs11SessionPool pool, ulong slotId, string tokenName, VaultTokenIdentity identity)
    {
        _module = module;
        _pool = pool;
        _slotId = slotId;
        _tokenName = tokenName;
        Identity = identity;
    }

    /// <summary>The token's label, manufacturer, model and serial number.</summary>
    public VaultTokenIdentity Identity { get; }

    /// <summary>
    /// Initializes a fresh token with <paramref name="label"/> in the first free slot of the module and
    /// sets its user PIN; the security officer PIN is random and forgotten (this token is managed only
    /// through its user). Returns nothing secret.
    /// </summary>
    public static void InitializeToken(string modulePath, string? softHsmConfig, string label, string userPin)
    {
        var module = Pkcs11Module.Acquire(modulePath, softHsmConfig);
        try
        {
            var soPin = RandomNumberGenerator.GetHexString(32, lowercase: true);
            var freeSlot = module.Library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                ?? throw new SigningException($"PKCS#11 module {modulePath} has no free slot for a new token");
            freeSlot.InitToken(soPin, label);
            var (slot, _) = Pkcs11TokenLocator.Find(module, Pkcs11Uri.Parse($"pkcs11:token={Pkcs11Uri.Escape(label)}?module-path={Pkcs11Uri.Escape(modulePath)}"));
            using var session = slot.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_SO, soPin);
            session.InitPin(userPin);
            session.Logout();
        }
        catch (Pkcs11Exception ex)
        {
            throw new SigningException($"initializing token '{label}' failed in {ex.Method}: {ex.RV}", ex);
        }
        finally
        {
            module.Release();
        }
    }

    /// <summary>
    /// Opens the token a PKCS#11 URI names (token, module-path, pin-source, softhsm2-conf) and logs in.
    /// </summary>
    public static Pkcs11KeyVault Open(Pkcs11Uri tokenUri, int sessions = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenUri);
        var pin = tokenUri.PinSource?.ReadPin() ?? throw new SigningException("the service token needs a pin-source (env:NAME or file:PATH)");
        var module = Pkcs11Module.Acquire(tokenUri.ModulePath, tokenUri.SoftHsmConfigPath);
        var opened = new List<ISession>();
        var loggedIn = false;
        ulong slotId = 0;
        try
        {
            var (slot, token) = Pkcs11TokenLocator.Find(module, tokenUri);
            slotId = slot.SlotId;
            var tokenName = Pkcs11TokenLocator.Name(token);
            var count = sessions > 0 ? sessions : Math.Max(2, Environment.ProcessorCount);
            for (var i = 0; i < count; i++)
            {
                opened.Add(slot.OpenSession(SessionType.ReadWrite));
            }
            module.Login(opened[0], slotId, pin, tokenName);
            loggedIn = true;
            var identity = new VaultTokenIdentity(Trim(token.Label), Trim(token.ManufacturerId), Trim(token.Model), Trim(token.SerialNumber));
            return new Pkcs11KeyVault(module, new Pkcs11SessionPool(opened), slotId, tokenName, identity);
        }
        catch (Pkcs11Exception ex)
        {
            module.Close(opened, slotId, loggedIn);
            throw new SigningException($"opening the service token failed in {ex.Method}: {ex.RV}", ex);
        }
        catch
        {
            module.Close(opened, slotId, loggedIn);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    /// <summary>
    /// Generates a key pair inside the token with CKA_ID <paramref name="id"/> and returns the public
    /// key as DER SubjectPublicKeyInfo. The private key is a token object, private, sensitive, not
    /// extractable and may only sign.
    /// </summary>
    public byte[] GenerateKeyPair(VaultKeyType type, byte[] id, string label)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WithSession(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            var rsa = type.Algorithm() == KeyAlgorithm.Rsa;
            List<IObjectAttribute> publicTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_VERIFY, true),
                f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id),
            ];
            if (rsa)
            {
                publicTemplate.Add(f.Create(CKA.CKA_MODULUS_BITS, type == VaultKeyType.Rsa3072 ? 3072UL : 4096UL));
                publicTemplate.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
            }
            else
            {
                var curve = new AsnWriter(AsnEncodingRules.DER);
                curve.WriteObjectIdentifier(type.CurveOid());
                publicTemplate.Add(f.Create(CKA.CKA_EC_PARAMS, curve.Encode()));
            }
            List<IObjectAttribute> privateTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true), f.Create(CKA.CKA_SIGN, true),
                f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false), f.Create(CKA.CKA_DECRYPT, false),
                f.Create(CKA.CKA_UNWRAP, false), f.Create(CKA.CKA_DERIVE, false), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id),
            ];
            using var mechanism = session.Factories.MechanismFactory.Create(rsa ? CKM.CKM_RSA_PKCS_KEY_PAIR_GEN : CKM.CKM_EC_KEY_PAIR_GEN);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicKey, out var privateKey);
            _privateHandles[Convert.ToHexString(id)] = privateKey.ObjectId;
            return ReadPublicKey(session, publicKey, type);
        }, $"generating a {type.Name()} key");
    }

    /// <summary>
    /// Signs one digest with the private key <paramref name="id"/>: PKCS#1 v1.5 over a DigestInfo for
    /// RSA, ECDSA over the digest; ECDSA signatures come back DER-encoded.
    /// </summary>
    public byte[] Sign(byte[] id, KeyAlgorithm algorithm, DigestAlgorithm digestAlgorithm, ReadOnlySpan<byte> digest)
    {
        var input = algorithm == KeyAlgorithm.Rsa ? DigestInfoEncoding.Encode(digestAlgorithm, digest) : digest.ToArray();
        return WithSession(session =>
        {
            var key = session.Factories.ObjectHandleFactory.Create(PrivateHandle(session, id));
            using var mechanism = session.Factories.MechanismFactory.Create(algorithm == KeyAlgorithm.Rsa ? CKM.CKM_RSA_PKCS : CKM.CKM_ECDSA);
            var signature = session.Sign(mechanism, key, input);
            return algorithm == KeyAlgorithm.Ecdsa ? EcdsaSignatureEncoding.ToDer(signature) : signature;
        }, "signing");
    }

    /// <summary>Signs many digests in parallel over the session pool; signatures in request order.</summary>
    public async Task<byte[][]> SignBatchAsync(byte[] id, KeyAlgorithm algorithm, IReadOnlyList<(DigestAlgorithm Algorithm, byte[] Digest)> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var signatures = new byte[items.Count][];
        var next = -1;
        var workers = Math.Max(1, Math.Min(_pool.Count, items.Count));
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            tasks[w] = Task.Factory.StartNew(() =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < items.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    signatures[index] = Sign(id, algorithm, items[index].Algorithm, items[index].Digest);
                }
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return signatures;
    }

    /// <summary>Reads the protection attributes of the private key <paramref name="id"/>, and tries to read its value.</summary>
    public VaultKeyAttributes ReadAttributes(byte[] id) => WithSession(session =>
    {
        var handle = session.Factories.ObjectHandleFactory.Create(PrivateHandle(session, id));
        var values = Pkcs11Objects.Read(session, handle, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_LOCAL, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_VALUE, CKA.CKA_PRIVATE_EXPONENT);
        var valueReadable = values.Bytes(CKA.CKA_VALUE) is { Length: > 0 } || values.Bytes(CKA.CKA_PRIVATE_EXPONENT) is { Length: > 0 };
        return new VaultKeyAttributes(
            values.Flag(CKA.CKA_TOKEN) == true,
            values.Flag(CKA.CKA_PRIVATE) == true,
            values.Flag(CKA.CKA_SENSITIVE) == true,
            values.Flag(CKA.CKA_EXTRACTABLE) != false,
            values.Flag(CKA.CKA_LOCAL) == true,
            values.Flag(CKA.CKA_NEVER_EXTRACTABLE) == true,
            values.Flag(CKA.CKA_ALWAYS_SENSITIVE) == true,
            valueReadable);
    }, "reading key attributes");

    /// <summary>Whether the token holds a private key with CKA_ID <paramref name="id"/>.</summary>
    public bool Contains(byte[] id) => WithSession(session => Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, id: id).Count == 1, "finding a key");

    /// <summary>Logs out and closes the sessions.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _pool.DrainAsync().GetAwaiter().GetResult();
        _module.Close(_pool.All, _slotId, loggedIn: true);
    }

    private T WithSession<T>(Func<ISession, T> action, string what)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = _pool.Rent(CancellationToken.None);
        try
        {
            return action(session);
        }
        catch (Pkcs11Exception ex)
        {
            throw Pkcs11Errors.Operation(ex, what, _tokenName);
        }
        finally
        {
            _pool.Return(session);
        }
    }

    // Handles of token objects stay valid for the process; another instance may have created the key, so look it up once.
    private ulong PrivateHandle(ISession session, byte[] id)
    {
        var hex = Convert.ToHexString(id);
        if (_privateHandles.TryGetValue(hex, out var handle))
        {
            return handle;
        }
        var found = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, id: id);
        if (found.Count != 1)
        {
            throw new SigningException($"token {_tokenName} holds {found.Count} private keys with id {hex.ToLowerInvariant()}, not one");
        }
        return _privateHandles[hex] = found[0].ObjectId;
    }

    private static byte[] ReadPublicKey(ISession session, IObjectHandle publicKey, VaultKeyType type)
    {
        if (type.Algorithm() == KeyAlgorithm.Rsa)
        {
            var values = Pkcs11Objects.Read(session, publicKey, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
            using var rsa = RSA.Create(new RSAParameters { Modulus = values.Bytes(CKA.CKA_MODULUS), Exponent = values.Bytes(CKA.CKA_PUBLIC_EXPONENT) });
            return rsa.ExportSubjectPublicKeyInfo();
        }
        var point = Pkcs11Objects.Read(session, publicKey, CKA.CKA_EC_POINT).Bytes(CKA.CKA_EC_POINT)
            ?? throw new SigningException("the token did not return the EC public point");
        // CKA_EC_POINT is the uncompressed point wrapped in a DER OCTET STRING.
        byte[] raw;
        try
        {
            raw = AsnDecoder.ReadOctetString(point, AsnEncodingRules.BER, out var consumed);
            if (consumed != point.Length) raw = point;
        }
        catch (AsnContentException)
        {
            raw = point; // some modules return the bare point
        }
        var half = (raw.Length - 1) / 2;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.CreateFromValue(type.CurveOid()),
            Q = new ECPoint { X = raw[1..(1 + half)], Y = raw[(1 + half)..] },
        });
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    private static string Trim(string text) => text.TrimEnd(' ', '\0');
}
