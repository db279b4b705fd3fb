using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Custodian.Client;

/// <summary>Accepts a gateway's certificate against <see cref="CustodianClientOptions.TrustedCertificate"/>: pinned exactly, or issued by it as a CA.</summary>
internal static class GatewayCertificates
{
    /// <summary>The TLS validation for <paramref name="trusted"/>; null (the system's validation) without one.</summary>
    public static RemoteCertificateValidationCallback? Validation(X509Certificate2? trusted) =>
        trusted is null ? null : (_, presented, chain, errors) => Accepts(trusted, presented, chain, errors);

    /// <summary>
    /// True when <paramref name="presented"/> is exactly <paramref name="trusted"/> (pinning replaces chain and name
    /// validation: a development gateway's certificate is self-signed), or <paramref name="trusted"/> is a CA certificate
    /// the presented one chains up to and its name matches the address.
    /// </summary>
    public static bool Accepts(X509Certificate2 trusted, X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (presented is null)
        {
            return false;
        }

        if (presented.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData))
        {
            return true;
        }

        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0 || !IsAuthority(trusted))
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in presentedChain?.ChainElements.Select(e => e.Certificate) ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(element);
        }

        return chain.Build(leaf);
    }

    private static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority);
}
