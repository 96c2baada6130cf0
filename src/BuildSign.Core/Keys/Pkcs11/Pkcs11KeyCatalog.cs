using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>Lists the private keys and certificates of the token a PKCS#11 URI names.</summary>
public static class Pkcs11KeyCatalog
{
    /// <summary>
    /// Lists the token's keys and certificates, narrowed by the URI's <c>object</c> and <c>id</c>
    /// when given. Logs in when the URI has a pin-source; without one only public objects show.
    /// </summary>
    public static Task<Pkcs11TokenContents> ListAsync(Pkcs11Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Task.Run(() => List(uri), cancellationToken);
    }

    private static Pkcs11TokenContents List(Pkcs11Uri uri)
    {
        var pin = uri.PinSource?.ReadPin();
        var module = Pkcs11Module.Acquire(uri.ModulePath, uri.SoftHsmConfigPath);
        try
        {
            var (slot, token) = Pkcs11TokenLocator.Find(module, uri);
            var tokenName = Pkcs11TokenLocator.Name(token);
            using var session = slot.OpenSession(SessionType.ReadOnly);
            if (pin is not null)
            {
                module.Login(session, slot.SlotId, pin, tokenName);
            }
            try
            {
                var certificates = Pkcs11Objects.Find(session, CKO.CKO_CERTIFICATE, uri.Object, uri.Id)
                    .Select(h => ReadCertificate(session, h))
                    .OfType<(Pkcs11CertificateEntry Entry, X509Certificate2 Certificate)>()
                    .ToList();
                var keys = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, uri.Object, uri.Id)
                    .Select(h => ReadKey(session, h, certificates))
                    .ToList();
                return new Pkcs11TokenContents(token.Label, token.SerialNumber, pin is not null, keys, [.. certificates.Select(c => c.Entry)]);
            }
            finally
            {
                if (pin is not null)
                {
                    module.Logout(session, slot.SlotId);
                }
            }
        }
        catch (Pkcs11Exception ex)
        {
            throw new SigningException($"listing the token failed: {ex.RV}", ex);
        }
        finally
        {
            if (pin is not null) CryptographicOperations.ZeroMemory(pin);
            module.Release();
        }
    }

    private static (Pkcs11CertificateEntry, X509Certificate2)? ReadCertificate(ISession session, IObjectHandle handle)
    {
        var values = Pkcs11Objects.Read(session, handle, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_VALUE, CKA.CKA_CERTIFICATE_TYPE);
        if ((CKC?)values.Number(CKA.CKA_CERTIFICATE_TYPE) != CKC.CKC_X_509 || values.Bytes(CKA.CKA_VALUE) is not { Length: > 0 } der)
        {
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var entry = new Pkcs11CertificateEntry(values.Text(CKA.CKA_LABEL), Convert.ToHexStringLower(values.Bytes(CKA.CKA_ID) ?? []), certificate.Subject, certificate.Issuer, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        return (entry, certificate);
    }

    private static Pkcs11KeyEntry ReadKey(ISession session, IObjectHandle handle, List<(Pkcs11CertificateEntry Entry, X509Certificate2 Certificate)> certificates)
    {
        var values = Pkcs11Objects.Read(session, handle, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_KEY_TYPE, CKA.CKA_SIGN, CKA.CKA_MODULUS, CKA.CKA_EC_PARAMS);
        var idHex = Convert.ToHexStringLower(values.Bytes(CKA.CKA_ID) ?? []);
        var label = values.Text(CKA.CKA_LABEL);
        var match = certificates.FirstOrDefault(c => idHex.Length > 0 ? c.Entry.IdHex == idHex : c.Entry.Label == label);
        var (algorithm, size) = (CKK?)values.Number(CKA.CKA_KEY_TYPE) switch
        {
            CKK.CKK_RSA => (KeyAlgorithm.Rsa, ModulusBits(values.Bytes(CKA.CKA_MODULUS))),
            CKK.CKK_EC => (KeyAlgorithm.Ecdsa, CurveBits(values.Bytes(CKA.CKA_EC_PARAMS))),
            _ => ((KeyAlgorithm?)null, (int?)null),
        };
        return new Pkcs11KeyEntry(label, idHex, algorithm, size, values.Flag(CKA.CKA_SIGN) ?? false, match.Certificate?.Subject, match.Entry?.NotAfter);
    }

    private static int? ModulusBits(byte[]? modulus)
    {
        if (modulus is null || modulus.Length == 0) return null;
        var leadingZeros = modulus.TakeWhile(b => b == 0).Count();
        var first = modulus[leadingZeros];
        return ((modulus.Length - leadingZeros - 1) * 8) + (8 - System.Numerics.BitOperations.LeadingZeroCount((uint)first) + 24);
    }

    private static int? CurveBits(byte[]? ecParameters)
    {
        if (ecParameters is null || ecParameters.Length == 0) return null;
        try
        {
            return new AsnReader(ecParameters, AsnEncodingRules.DER).ReadObjectIdentifier() switch
            {
                "1.2.840.10045.3.1.7" => 256,
                "1.3.132.0.34" => 384,
                "1.3.132.0.35" => 521,
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
