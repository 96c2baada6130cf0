using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign keys list</c>: what a PKCS#11 token holds.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var key = CommonOptions.Key();
        var json = CommonOptions.Json();
        var list = new Command("list", "List the keys and certificates in a PKCS#11 token") { key, json };
        list.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var keyString = result.GetValue(key)!;
                if (!Pkcs11Uri.IsPkcs11Uri(keyString))
                {
                    throw new SigningException("keys list takes a pkcs11: key string");
                }
                var contents = await Pkcs11KeyCatalog.ListAsync(Pkcs11Uri.Parse(keyString), cancellationToken).ConfigureAwait(false);
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(contents, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                }
                else
                {
                    Print(contents);
                }
                return ExitCodes.Success;
            }
            catch (SigningException exception)
            {
                await Console.Error.WriteLineAsync($"buildsign: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });
        return new Command("keys", "Inspect keys") { list };
    }

    private static void Print(Pkcs11TokenContents contents)
    {
        Console.WriteLine($"token {contents.TokenLabel} (serial {contents.SerialNumber}){(contents.LoggedIn ? "" : " — not logged in: give a pin-source to see private keys")}");
        Console.WriteLine($"{contents.Keys.Count} private key{(contents.Keys.Count == 1 ? "" : "s")}:");
        foreach (var k in contents.Keys)
        {
            var algorithm = k.Algorithm is { } a ? $"{a.ToString().ToUpperInvariant()}-{k.KeySizeInBits}" : "unsupported type";
            var certificate = k.CertificateSubject is null ? "no certificate" : $"certificate {k.CertificateSubject}, expires {Date(k.CertificateNotAfter!.Value)}";
            Console.WriteLine($"  label={k.Label ?? "(none)"} id={k.IdHex} {algorithm}{(k.CanSign ? "" : " (may not sign)")}; {certificate}");
        }
        Console.WriteLine($"{contents.Certificates.Count} certificate{(contents.Certificates.Count == 1 ? "" : "s")}:");
        foreach (var c in contents.Certificates)
        {
            Console.WriteLine($"  label={c.Label ?? "(none)"} id={c.IdHex} subject={c.Subject} issuer={c.Issuer} expires {Date(c.NotAfter)}");
        }
    }

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
