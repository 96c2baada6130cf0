using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// One initialized PKCS#11 module, shared by every key in the process that uses it. A module may be
/// initialized only once per process and its login state is per token for the whole process, so
/// keys share the module and the login and the last one to let go logs out and finalizes.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Lock RegistryLock = new();
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);

    private readonly Lock _loginLock = new();
    private readonly Dictionary<ulong, TokenLogin> _logins = [];
    private int _users;

    private Pkcs11Module(string path, string? softHsmConfig, IPkcs11Library library, Pkcs11InteropFactories factories)
    {
        Path = path;
        SoftHsmConfig = softHsmConfig;
        Library = library;
        Factories = factories;
    }

    public string Path { get; }

    public string? SoftHsmConfig { get; }

    public IPkcs11Library Library { get; }

    public Pkcs11InteropFactories Factories { get; }

    /// <summary>
    /// Returns the module at <paramref name="path"/>, loading it on first use. When
    /// <paramref name="softHsmConfig"/> is given, SOFTHSM2_CONF is set natively before loading.
    /// </summary>
    public static Pkcs11Module Acquire(string path, string? softHsmConfig)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var config = softHsmConfig is null ? null : System.IO.Path.GetFullPath(softHsmConfig);
        lock (RegistryLock)
        {
            if (Loaded.TryGetValue(fullPath, out var module))
            {
                if (config is not null && config != module.SoftHsmConfig)
                {
                    throw new SigningException($"PKCS#11 module {path} is already in use in this process with another SoftHSM2 configuration; use one configuration per run");
                }
                module._users++;
                return module;
            }
            if (config is not null)
            {
                if (!File.Exists(config))
                {
                    throw new SigningException($"the SoftHSM2 configuration {config} does not exist");
                }
                NativeEnvironment.Set("SOFTHSM2_CONF", config);
            }
            var factories = new Pkcs11InteropFactories();
            var library = Pkcs11LibraryLoader.Load(factories, path);
            module = new Pkcs11Module(fullPath, config ?? NativeEnvironment.Get("SOFTHSM2_CONF"), library, factories) { _users = 1 };
            Loaded.Add(fullPath, module);
            return module;
        }
    }

    /// <summary>
    /// Ends what a key opened on this module: logs out (when it logged in), closes its sessions
    /// and gives the module back.
    /// </summary>
    public void Close(IReadOnlyList<ISession> sessions, ulong slotId, bool loggedIn)
    {
        if (loggedIn && sessions.Count > 0)
        {
            Logout(sessions[0], slotId);
        }
        foreach (var session in sessions)
        {
            try
            {
                session.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // The token may be gone already; nothing is left to release in it.
            }
        }
        Release();
    }

    /// <summary>Gives the module back; the last user finalizes and unloads it.</summary>
    public void Release()
    {
        lock (RegistryLock)
        {
            if (--_users > 0)
            {
                return;
            }
            Loaded.Remove(Path);
            Library.Dispose();
        }
    }

    /// <summary>
    /// Logs the user in to the token behind <paramref name="session"/> unless this process already
    /// did with the same PIN. PKCS#11 logins belong to the process, not to one session.
    /// </summary>
    public void Login(ISession session, ulong slotId, byte[] pin, string tokenName)
    {
        var pinHash = SHA256.HashData(pin);
        lock (_loginLock)
        {
            if (_logins.TryGetValue(slotId, out var existing))
            {
                if (!CryptographicOperations.FixedTimeEquals(existing.PinHash, pinHash))
                {
                    throw new SigningException($"token {tokenName} is already logged in in this process with another PIN");
                }
                existing.Users++;
                return;
            }
            try
            {
                session.Login(CKU.CKU_USER, pin);
            }
            catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Logged in by code outside this registry (another library user); nothing to undo later.
            }
            catch (Pkcs11Exception ex)
            {
                throw Pkcs11Errors.Login(ex, tokenName);
            }
            _logins.Add(slotId, new TokenLogin(pinHash) { Users = 1 });
        }
    }

    /// <summary>Ends this user's share of the login; the last one logs out.</summary>
    public void Logout(ISession session, ulong slotId)
    {
        lock (_loginLock)
        {
            if (!_logins.TryGetValue(slotId, out var existing) || --existing.Users > 0)
            {
                return;
            }
            _logins.Remove(slotId);
            try
            {
                session.Logout();
            }
            catch (Pkcs11Exception)
            {
                // Closing the last session logs out anyway; a failed logout changes nothing for the user.
            }
        }
    }

    private sealed class TokenLogin(byte[] pinHash)
    {
        public byte[] PinHash { get; } = pinHash;

        public int Users { get; set; }
    }
}
