using System.Security.Cryptography;

namespace PodUnits.Images.Trust;

/// <summary>A sigstore signature as attached to an image: the payload blob and the base64
/// signature of its layer's dev.cosignproject.cosign/signature annotation.</summary>
public sealed record SigstoreSignature(byte[] Payload, string Base64Signature);

/// <summary>
/// Checks a sigstore ("cosign") signature with a public key, with .NET's own ECDSA and RSA
/// (no external tool needed): ECDSA keys as cosign makes them (P-256 with SHA-256; P-384
/// and P-521 with SHA-384 and SHA-512), the signature DER-encoded; RSA PKCS#1 v1.5 with
/// SHA-256. Fulcio certificates and Rekor are not supported (the policy parser says so).
/// </summary>
public static class SigstoreVerifier
{
    public static bool Verify(SigstoreSignature signature, string publicKeyPem, out string why)
    {
        ArgumentNullException.ThrowIfNull(signature);
        byte[] sig;
        try
        {
            sig = Convert.FromBase64String(signature.Base64Signature);
        }
        catch (FormatException)
        {
            why = "its signature annotation is not base64";
            return false;
        }
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(publicKeyPem);
            // SHA-256 whatever the curve: cosign and containers/image sign and check with it
            // for every key (a P-384 key's valid signature was refused).
            why = "its signature was not made by the policy's key";
            return ecdsa.VerifyData(signature.Payload, sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException) when (IsRsa(publicKeyPem))
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(publicKeyPem);
            why = "its signature was not made by the policy's key";
            return rsa.VerifyData(signature.Payload, sig, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            why = $"the policy's public key cannot be read ({e.Message})";
            return false;
        }
    }

    private static bool IsRsa(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
