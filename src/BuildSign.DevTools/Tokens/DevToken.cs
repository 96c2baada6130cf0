using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.DevTools.Tokens;

/// <summary>The development token in a folder, ready to sign with.</summary>
/// <param name="KeyString">The key string to sign with; it names the PIN file and the SoftHSM2 configuration, never the PIN.</param>
/// <param name="SoftHsmConfigPath">The SoftHSM2 configuration; other PKCS#11 tools need SOFTHSM2_CONF set to it.</param>
/// <param name="DevRootCertificatePath">The development root CA certificate (PEM) that verifiers must trust.</param>
/// <param name="SignerCertificatePath">The signer's certificate (PEM), also stored in the token.</param>
/// <param name="TimestampCertificatePath">A timestamping certificate from the dev root for the local timestamp server (PEM).</param>
/// <param name="TimestampKeyPath">Its software private key (PEM, owner-only): a development timestamp server is not an HSM matter.</param>
/// <param name="Created">True when this call created the token, false when the folder already held a working one.</param>
public sealed record DevToken(string KeyString, string SoftHsmConfigPath, string DevRootCertificatePath, string SignerCertificatePath, string TimestampCertificatePath, string TimestampKeyPath, bool Created);
