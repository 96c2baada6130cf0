namespace BuildSign.Core.Keys;

/// <summary>The public-key algorithm of a signing key.</summary>
public enum KeyAlgorithm
{
    /// <summary>RSA with PKCS#1 v1.5 signatures.</summary>
    Rsa,
    /// <summary>ECDSA on a NIST curve; signatures are DER SEQUENCE { r, s }.</summary>
    Ecdsa,
}
