using System.Diagnostics;
using System.Globalization;
using BuildSign.Core.Keys.Pkcs11;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Bench.Floor;

/// <summary>
/// Measures an HSM's own signing rate: <c>count</c> raw signatures of SHA-256 digests through
/// PKCS#11 with 1..<c>max-sessions</c> sessions in parallel (one thread each), after a warm-up.
/// Prints one line per session count (<c>sessions=S seconds=T</c>), then the best as
/// <c>best sessions=S seconds=T</c>. The PKCS#11 module must find its token (SOFTHSM2_CONF).
/// </summary>
internal static class Program
{
    private const string Usage = "usage: buildsign-bench-floor MODULE TOKEN-LABEL KEY-LABEL PIN-FILE COUNT MAX-SESSIONS";

    // DER prefix of a SHA-256 DigestInfo; RSA PKCS#1 v1.5 (CKM_RSA_PKCS) signs prefix + digest.
    private static readonly byte[] Sha256DigestInfoPrefix = Convert.FromHexString("3031300d060960864801650304020105000420");

    private static int Main(string[] args)
    {
        if (args.Length != 6 || !int.TryParse(args[4], out var count) || !int.TryParse(args[5], out var maxSessions) || count < 1 || maxSessions < 1)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var (module, token, keyLabel, pin) = (args[0], args[1], args[2], File.ReadAllText(args[3]).Trim());

        Pkcs11LibraryLoader.EnsureResolverInstalled();
        var factories = new Pkcs11InteropFactories();
        using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, module, AppType.MultiThreaded);
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == token);
        var sessions = Enumerable.Range(0, maxSessions).Select(_ => slot.OpenSession(SessionType.ReadOnly)).ToList();
        try
        {
            sessions[0].Login(CKU.CKU_USER, pin);
            var key = sessions[0].FindAllObjects([
                factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, keyLabel),
            ]).Single();
            var isRsa = (CKK)sessions[0].GetAttributeValue(key, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong() == CKK.CKK_RSA;
            var digest = System.Security.Cryptography.SHA256.HashData("buildsign bench floor"u8);
            var input = isRsa ? [.. Sha256DigestInfoPrefix, .. digest] : digest;
            var mechanism = isRsa ? CKM.CKM_RSA_PKCS : CKM.CKM_ECDSA;

            SignInParallel(sessions, key, mechanism, input, Math.Max(8, count / 20));
            var best = (Sessions: 0, Seconds: double.MaxValue);
            for (var s = 1; s <= maxSessions; s++)
            {
                var seconds = SignInParallel(sessions.Take(s).ToList(), key, mechanism, input, count);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sessions={s} seconds={seconds:F4}"));
                if (seconds < best.Seconds) best = (s, seconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best sessions={best.Sessions} seconds={best.Seconds:F4}"));
            sessions[0].Logout();
            return 0;
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    // Signs count times over the given sessions, one dedicated thread per session, and returns the wall time.
    private static double SignInParallel(List<ISession> sessions, IObjectHandle key, CKM mechanismType, byte[] input, int count)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        var threads = sessions.Select(session => new Thread(() =>
        {
            using var mechanism = session.Factories.MechanismFactory.Create(mechanismType);
            while (Interlocked.Increment(ref next) < count)
            {
                session.Sign(mechanism, key, input);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return clock.Elapsed.TotalSeconds;
    }
}
