using System.Text;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// A parsed RFC 7512 PKCS#11 URI naming a token, a key and how to reach them:
/// <c>pkcs11:token=…;object=…?module-path=…&amp;pin-source=env:NAME</c>.
/// A PIN value in the URI is refused: secrets never travel on a command line.
/// </summary>
public sealed class Pkcs11Uri
{
    /// <summary>The scheme prefix every PKCS#11 URI starts with.</summary>
    public const string Scheme = "pkcs11:";

    /// <summary>The module used when the URI names none: SoftHSM2 as Debian and Ubuntu install it.</summary>
    public const string DefaultModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>
    /// The vendor query attribute naming a SoftHSM2 configuration file for this key. SoftHSM2 reads
    /// SOFTHSM2_CONF with the C library's getenv when it initializes, which .NET's own environment
    /// does not reach on Linux; with this attribute BuildSign sets it natively before loading the module.
    /// </summary>
    public const string SoftHsmConfigAttribute = "softhsm2-conf";

    private static readonly HashSet<string> QueryAttributes = ["module-name", "module-path", "pin-source", SoftHsmConfigAttribute];

    // Words that name a secret in any attribute BuildSign does not know (x-pin, password, pin%2Dvalue...).
    private static readonly string[] SecretWords = ["pin", "pass", "pwd", "secret", "cred", "auth", "private"];

    private static readonly HashSet<string> PathAttributes = ["token", "serial", "manufacturer", "model", "object", "id", "type", "slot-id", "slot-description", "slot-manufacturer", "library-description", "library-manufacturer", "library-version"];

    private Pkcs11Uri(string text) => Text = text;

    /// <summary>The token label (<c>token</c>), or null when any label will do.</summary>
    public string? Token { get; private init; }

    /// <summary>The token serial number (<c>serial</c>).</summary>
    public string? Serial { get; private init; }

    /// <summary>The token manufacturer (<c>manufacturer</c>).</summary>
    public string? Manufacturer { get; private init; }

    /// <summary>The token model (<c>model</c>).</summary>
    public string? Model { get; private init; }

    /// <summary>The object label (<c>object</c>), matched against CKA_LABEL.</summary>
    public string? Object { get; private init; }

    /// <summary>The object identifier (<c>id</c>), matched against CKA_ID.</summary>
    public byte[]? Id { get; private init; }

    /// <summary>The object type (<c>type</c>): private, public, cert, secret-key or data.</summary>
    public string? Type { get; private init; }

    /// <summary>The slot identifier (<c>slot-id</c>).</summary>
    public ulong? SlotId { get; private init; }

    /// <summary>The PKCS#11 module to load (<c>module-path</c>), or <see cref="DefaultModulePath"/>.</summary>
    public string ModulePath { get; private init; } = DefaultModulePath;

    /// <summary>Where the PIN comes from (<c>pin-source</c>), or null when the token needs no login.</summary>
    public PinSource? PinSource { get; private init; }

    /// <summary>The SoftHSM2 configuration to point SOFTHSM2_CONF at before the module loads, if any.</summary>
    public string? SoftHsmConfigPath { get; private init; }

    /// <summary>The URI as given; it holds no secret, since <c>pin-value</c> is refused.</summary>
    public string Text { get; }

    /// <summary>True when the text starts with the <c>pkcs11:</c> scheme.</summary>
    public static bool IsPkcs11Uri(string text) => text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a PKCS#11 URI; throws <see cref="SigningException"/> naming what is wrong.</summary>
    public static Pkcs11Uri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsPkcs11Uri(text))
        {
            throw new SigningException("a PKCS#11 key must start with 'pkcs11:'");
        }
        var body = text[Scheme.Length..];
        var queryStart = body.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? body : body[..queryStart];
        var query = queryStart < 0 ? "" : body[(queryStart + 1)..];

        var pathValues = Split(path, ';', "path");
        var queryValues = Split(query, '&', "query");
        if (pathValues.ContainsKey("pin-value") || queryValues.ContainsKey("pin-value"))
        {
            throw new SigningException("PKCS#11 URI must not carry the PIN (pin-value); use pin-source=env:NAME or pin-source=file:PATH");
        }
        foreach (var name in pathValues.Keys.Concat(queryValues.Keys).Where(n => !PathAttributes.Contains(n) && !QueryAttributes.Contains(n) && LooksLikeASecret(n)))
        {
            throw new SigningException($"PKCS#11 URI attribute '{Printable(name)}' would carry a secret, and a key string is no place for one; use pin-source=env:NAME or pin-source=file:PATH");
        }
        foreach (var name in pathValues.Keys)
        {
            if (!PathAttributes.Contains(name) && !name.StartsWith("x-", StringComparison.Ordinal))
            {
                throw new SigningException($"PKCS#11 URI has an unknown attribute '{Printable(name)}'");
            }
        }
        if (queryValues.ContainsKey("module-name") && !queryValues.ContainsKey("module-path"))
        {
            throw new SigningException("PKCS#11 URI names a module by module-name; give its file with module-path instead");
        }

        var type = Get(pathValues, "type");
        if (type is not null && type is not ("private" or "public" or "cert" or "secret-key" or "data"))
        {
            throw new SigningException("PKCS#11 URI has an unknown object type (use private, public, cert, secret-key or data)");
        }

        var modulePath = Get(queryValues, "module-path");
        if (modulePath is { Length: 0 })
        {
            throw new SigningException("PKCS#11 URI has an empty module-path");
        }

        var pinSource = Get(queryValues, "pin-source");
        return new Pkcs11Uri(text)
        {
            Token = Get(pathValues, "token"),
            Serial = Get(pathValues, "serial"),
            Manufacturer = Get(pathValues, "manufacturer"),
            Model = Get(pathValues, "model"),
            Object = Get(pathValues, "object"),
            Id = pathValues.TryGetValue("id", out var id) ? id : null,
            Type = type,
            SlotId = ParseSlotId(Get(pathValues, "slot-id")),
            ModulePath = modulePath ?? DefaultModulePath,
            PinSource = pinSource is null ? null : Pkcs11.PinSource.Parse(pinSource),
            SoftHsmConfigPath = Get(queryValues, SoftHsmConfigAttribute),
        };
    }

    /// <summary>The URI text; safe to print because a PIN value is never accepted.</summary>
    public override string ToString() => Text;

    /// <summary>Percent-encodes a value for a URI attribute, keeping only characters that need no escaping.</summary>
    internal static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/' or ':')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static Dictionary<string, byte[]> Split(string part, char separator, string where)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (part.Length == 0)
        {
            return values;
        }
        foreach (var item in part.Split(separator))
        {
            if (item.Length == 0)
            {
                continue;
            }
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // The text is not shown: a PIN typed where an attribute goes would be printed.
                throw new SigningException($"PKCS#11 URI {where} has a part that is not of the form name=value");
            }
            // Names are percent-decoded before any check, so "pin%2Dvalue" is pin-value.
            var name = System.Text.Encoding.UTF8.GetString(PercentDecode(item[..equals], "name")).ToLowerInvariant();
            if (!values.TryAdd(name, PercentDecode(item[(equals + 1)..], name)))
            {
                throw new SigningException($"PKCS#11 URI repeats the attribute '{Printable(name)}'");
            }
        }
        return values;
    }

    private static byte[] PercentDecode(string value, string name)
    {
        var bytes = new List<byte>(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
                {
                    throw new SigningException($"PKCS#11 URI attribute '{Printable(name)}' has a bad percent-encoding");
                }
                bytes.Add(b);
                i += 3;
                continue;
            }
            // Copy a run of literal characters at once so surrogate pairs stay together.
            var next = value.IndexOf('%', i);
            var end = next < 0 ? value.Length : next;
            bytes.AddRange(Encoding.UTF8.GetBytes(value[i..end]));
            i = end;
        }
        return [.. bytes];
    }

    private static bool LooksLikeASecret(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.Ordinal));

    // Attribute names are shown in errors (never values); control characters in them are not.
    private static string Printable(string name) => new([.. name.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    private static string? Get(Dictionary<string, byte[]> values, string name) =>
        values.TryGetValue(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static ulong? ParseSlotId(string? text)
    {
        if (text is null)
        {
            return null;
        }
        return ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slot)
            ? slot
            : throw new SigningException("PKCS#11 URI slot-id is not a decimal number");
    }
}
