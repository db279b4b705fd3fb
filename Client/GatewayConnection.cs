using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custodian.Client;

namespace Custodian.Cli;

/// <summary>
/// The options that say how to reach the gateway (<c>--endpoint</c>, <c>--token</c>, <c>--trust-cert</c>), shared by
/// every command that calls it, and the <see cref="CustodianClient"/> they describe. Several endpoints (the option
/// repeated, or a comma-separated list in <c>CUSTODIAN_ENDPOINT</c>) are tried in order: a call that finds a gateway
/// unavailable moves to the next, saying so on <paramref name="notices"/>; every write carries an idempotency key.
/// </summary>
internal sealed class GatewayConnection(TextWriter? notices = null)
{
    private const string DefaultEndpoint = "https://127.0.0.1:7443";
    private static readonly string _defaultTrustCert = Path.Combine(".custodian", "certs", "gateway.crt");

    private readonly Option<string[]> _endpoint = new("--endpoint")
    {
        Description = "A gateway's https address; repeat it for several, tried in order, the next on UNAVAILABLE [env: CUSTODIAN_ENDPOINT, comma-separated].",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CUSTODIAN_ENDPOINT") is { Length: > 0 } value
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [DefaultEndpoint],
        Recursive = true,
    };

    // No DefaultValueFactory: help prints defaults, and a token must not end up on the screen.
    private readonly Option<string?> _token = new("--token")
    {
        Description = "The bearer token to call with, e.g. from 'custodian token mint' [env: CUSTODIAN_TOKEN].",
        Recursive = true,
    };

    private readonly Option<string?> _trustCert = new("--trust-cert")
    {
        Description = $"A PEM certificate the gateway must present exactly (a self-signed gateway), or the CA certificate that issued the gateway's [env: CUSTODIAN_TRUST_CERT; else {_defaultTrustCert} if it exists].",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CUSTODIAN_TRUST_CERT") is { Length: > 0 } value
            ? value
            : File.Exists(_defaultTrustCert) ? _defaultTrustCert : null,
        Recursive = true,
    };

    /// <summary>Adds the connection options to <paramref name="command"/> and its subcommands.</summary>
    public void AddOptionsTo(Command command)
    {
        command.Add(_endpoint);
        command.Add(_token);
        command.Add(_trustCert);
    }

    /// <summary>A client of the gateways that sends the token with every call; <see cref="UsageException"/> when the options are unusable.</summary>
    public CustodianClient Connect(ParseResult parseResult)
    {
        var endpoints = parseResult.GetRequiredValue(_endpoint).Select(ParseEndpoint).ToList();
        if (endpoints.Count == 0)
        {
            throw new UsageException($"no endpoint: pass --endpoint or set CUSTODIAN_ENDPOINT, e.g. {DefaultEndpoint}");
        }

        var token = parseResult.GetValue(_token) ?? Environment.GetEnvironmentVariable("CUSTODIAN_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new UsageException("no token: pass --token or set CUSTODIAN_TOKEN, e.g. TOKEN=$(custodian token mint --role app --tenant acme)");
        }

        var options = new CustodianClientOptions
        {
            AccessToken = _ => ValueTask.FromResult(token),
            TrustedCertificate = parseResult.GetValue(_trustCert) is { } path ? LoadCertificate(path) : null,
            // A command waits as long as its call takes, as before: the user stops it with Ctrl+C.
            Timeout = null,
            OnFailover = notices is null ? null : notice => notices.WriteLine(notice.ToString()),
        };
        foreach (var endpoint in endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        return CustodianClient.Create(options);
    }

    private static Uri ParseEndpoint(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new UsageException($"the endpoint '{text}' (--endpoint or CUSTODIAN_ENDPOINT) is not an address: use https://host:port, e.g. {DefaultEndpoint}");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new UsageException($"the endpoint '{text}' (--endpoint or CUSTODIAN_ENDPOINT) is not https: the gateway only accepts TLS, e.g. {DefaultEndpoint}");
        }

        return uri;
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"the certificate to trust does not exist: {Path.GetFullPath(path)}");
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"the certificate to trust cannot be read as a PEM or DER certificate ({e.Message}): {Path.GetFullPath(path)}");
        }
    }
}
