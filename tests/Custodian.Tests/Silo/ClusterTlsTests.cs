using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Custodian.Hosting;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Silo;

[Collection(PlatformCollection.Name)]
public sealed class ClusterTlsTests(Platform platform)
{
    [Fact]
    public async Task SiloGatewayPortSpeaksTlsWithTheClusterCertificateToAPeerPresentingIt()
    {
        // Arrange
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", platform.SiloGatewayPort);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate? presented = null;

        // Act
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [platform.ClusterCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate;
                return true;
            },
        });

        // Assert
        Assert.True(tls.IsAuthenticated);
        Assert.True(tls.IsMutuallyAuthenticated);
        Assert.Equal(platform.ClusterCertificate.Thumbprint, new X509Certificate2(presented!).Thumbprint);
    }

    [Fact]
    public async Task SiloRefusesAPeerWithoutTheClusterCertificate()
    {
        using var stranger = Certificates.CreateSelfSigned("CN=stranger");

        var refused = await HandshakeAndReadAsync(stranger);
        var anonymous = await HandshakeAndReadAsync(null);

        Assert.True(refused, "a peer with a foreign certificate was served");
        Assert.True(anonymous, "a peer without a certificate was served");
    }

    /// <summary>True when the silo refuses the connection, during the handshake or right after it.</summary>
    private async Task<bool> HandshakeAndReadAsync(X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", platform.SiloGatewayPort);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });

            // With TLS 1.3 the server's verdict on the client certificate arrives after the handshake.
            var buffer = new byte[1];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await tls.ReadAsync(buffer, timeout.Token);
            return read == 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            return e is not OperationCanceledException;
        }
    }
}
