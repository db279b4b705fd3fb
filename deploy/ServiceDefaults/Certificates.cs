using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custodian.Hosting;

/// <summary>Loads certificates from files, and creates the self-signed development ones on first start.</summary>
public static class Certificates
{
    /// <summary>Loads the configured certificate, creating a development one first when allowed.</summary>
    public static X509Certificate2 Load(CertificateOptions options, string purpose)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new InvalidOperationException($"No certificate is configured for {purpose}: set its Path.");
        }

        var path = System.IO.Path.GetFullPath(options.Path);
        if (!File.Exists(path))
        {
            if (!options.CreateIfMissing)
            {
                throw new InvalidOperationException($"The certificate file for {purpose} does not exist: {path}");
            }

            SecretFiles.CreateOnce(path, () =>
            {
                using var created = CreateSelfSigned("CN=localhost, O=Custodian development");
                return created.Export(X509ContentType.Pkcs12, options.Password);
            });
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.Password, X509KeyStorageFlags.Exportable);
            var publicPart = System.IO.Path.ChangeExtension(path, ".crt");
            if (options.CreateIfMissing && !File.Exists(publicPart))
            {
                File.WriteAllText(publicPart, certificate.ExportCertificatePem());
            }

            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"The certificate file for {purpose} cannot be read ({e.Message}): {path}", e);
        }
    }

    /// <summary>A self-signed server and client certificate for localhost, valid for a year.</summary>
    public static X509Certificate2 CreateSelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }
}
