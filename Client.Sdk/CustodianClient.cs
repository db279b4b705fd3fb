using Custodian.Gateway.Protos.Regions;
using Custodian.Gateway.Protos.Requests;
using Custodian.Gateway.Protos.Subjects;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;
using AuditClient = Custodian.Gateway.Protos.Audit.Audit.AuditClient;
using BackupsClient = Custodian.Gateway.Protos.Backups.Backups.BackupsClient;
using IncidentsClient = Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient;
using KeysClient = Custodian.Gateway.Protos.Keys.Keys.KeysClient;
using RegionsClient = Custodian.Gateway.Protos.Regions.Regions.RegionsClient;
using RequestsClient = Custodian.Gateway.Protos.Requests.Requests.RequestsClient;
using SecurityReportsClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Client;

/// <summary>
/// A client of Custodian's gateways: the generated client of every service, all over one call pipeline that gives a call
/// the default deadline, gives a write an <see cref="IdempotencyKey"/>, retries it on one gateway while that answers
/// <c>UNAVAILABLE</c> (<see cref="GatewayServiceConfig"/>), then moves it to the next gateway with a
/// <see cref="GatewayFailover"/> notice. Thread-safe; create one per application and dispose it at the end.
/// </summary>
public sealed class CustodianClient : IDisposable
{
    private readonly FailoverCallInvoker _failover;

    private CustodianClient(FailoverCallInvoker failover, TimeSpan? timeout)
    {
        _failover = failover;
        CallInvoker = failover.Intercept(new CallDefaults(timeout));
        Subjects = new SubjectsClient(CallInvoker);
        Requests = new RequestsClient(CallInvoker);
        Incidents = new IncidentsClient(CallInvoker);
        Regions = new RegionsClient(CallInvoker);
        Keys = new KeysClient(CallInvoker);
        Access = new AccessClient(CallInvoker);
        Audit = new AuditClient(CallInvoker);
        Backups = new BackupsClient(CallInvoker);
        SecurityReports = new SecurityReportsClient(CallInvoker);
    }

    /// <summary>The call pipeline, for a generated client of your own (e.g. of a newer proto): deadline, idempotency key, retries and failover.</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>The gateway the next call starts with: the first, until one was unavailable and another answered.</summary>
    public Uri CurrentEndpoint => _failover.Current;

    /// <summary>Personal-data records of data subjects and the subjects' rights (subjects.proto).</summary>
    public SubjectsClient Subjects { get; }

    /// <summary>Data-subject requests, Art. 12 (requests.proto).</summary>
    public RequestsClient Requests { get; }

    /// <summary>Personal-data breach incidents, Art. 33-34 (incidents.proto).</summary>
    public IncidentsClient Incidents { get; }

    /// <summary>Replication between the regions of a pair: status, resync, promotion (regions.proto).</summary>
    public RegionsClient Regions { get; }

    /// <summary>Key rotation and crypto-shredding (keys.proto).</summary>
    public KeysClient Keys { get; }

    /// <summary>Access grants and reviews (access.proto).</summary>
    public AccessClient Access { get; }

    /// <summary>The audit trail: verification and queries (audit.proto).</summary>
    public AuditClient Audit { get; }

    /// <summary>Backups and restores (backups.proto).</summary>
    public BackupsClient Backups { get; }

    /// <summary>Security reports: alerts and principals' activity (security.proto).</summary>
    public SecurityReportsClient SecurityReports { get; }

    /// <summary>A client over <see cref="CustodianClientOptions.Endpoints"/>; <see cref="ArgumentException"/> when the options are unusable.</summary>
    public static CustodianClient Create(CustodianClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one gateway endpoint is needed.", nameof(options));
        }

        foreach (var endpoint in options.Endpoints)
        {
            if (!endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"The endpoint '{endpoint}' is not an https address: gateways only accept TLS.", nameof(options));
            }
        }

        if (options.MaxAttemptsPerGateway < 1 || options.Timeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxAttemptsPerGateway is at least 1; Timeout and ConnectTimeout are positive.", nameof(options));
        }

        var serviceConfig = GatewayServiceConfig.Create(options);
        var channels = options.Endpoints.Select(endpoint => (endpoint, Open(endpoint, options, serviceConfig))).ToList();
        var logger = options.Logger;
        var onFailover = options.OnFailover;
        var failover = new FailoverCallInvoker(channels, notice =>
        {
            if (logger is not null)
            {
                ClientLog.FailingOver(logger, notice.From, notice.Status.StatusCode, notice.Status.Detail, notice.To);
            }

            onFailover?.Invoke(notice);
        });
        return new CustodianClient(failover, options.Timeout);
    }

    /// <summary>
    /// Creates or replaces the record of one category of a subject (Subjects.PutRecord), under
    /// <paramref name="idempotencyKey"/> or a fresh key: a repeat with the same key is applied once and answered with
    /// the first result; the same key with a different record is FAILED_PRECONDITION.
    /// </summary>
    public async Task<PutRecordResponse> PutRecordAsync(string tenantId, string subjectId, Record record, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        await Subjects.PutRecordAsync(
            new PutRecordRequest { TenantId = tenantId, SubjectId = subjectId, Record = record },
            headers: IdempotencyKey.Headers(idempotencyKey ?? IdempotencyKey.New()),
            cancellationToken: cancellationToken);

    /// <summary>The record of one category of a subject, read for <paramref name="purpose"/> (Subjects.GetRecord); null when there is none.</summary>
    public async Task<GetRecordResponse?> FindRecordAsync(string tenantId, string subjectId, string category, string purpose, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Subjects.GetRecordAsync(
                new GetRecordRequest { TenantId = tenantId, SubjectId = subjectId, Category = category, Purpose = purpose },
                cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Files a data-subject request over the API channel (Requests.FileRequest), under <paramref name="idempotencyKey"/>
    /// or a fresh key: a repeat with the same key is the same request, not a second one.
    /// </summary>
    public async Task<RequestResponse> FileRequestAsync(string tenantId, string subjectId, RequestKind kind, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        await Requests.FileRequestAsync(
            new FileRequestRequest { TenantId = tenantId, SubjectId = subjectId, Kind = kind, Channel = RequestChannel.Api },
            headers: IdempotencyKey.Headers(idempotencyKey ?? IdempotencyKey.New()),
            cancellationToken: cancellationToken);

    /// <summary>The answering gateway's region: its pair, lease, backlog and tenants (Regions.GetStatus).</summary>
    public async Task<RegionStatus> GetRegionStatusAsync(CancellationToken cancellationToken = default) =>
        await Regions.GetStatusAsync(new GetRegionStatusRequest(), cancellationToken: cancellationToken);

    /// <summary>Closes every gateway's connections.</summary>
    public void Dispose() => _failover.Dispose();

    private static GrpcChannel Open(Uri endpoint, CustodianClientOptions options, Grpc.Net.Client.Configuration.ServiceConfig serviceConfig)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            SslOptions = { RemoteCertificateValidationCallback = GatewayCertificates.Validation(options.TrustedCertificate) },
        };
        var token = options.AccessToken;
        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            ServiceConfig = serviceConfig,
            MaxRetryAttempts = Math.Max(options.MaxAttemptsPerGateway, 1),
            Credentials = token is null
                ? ChannelCredentials.SecureSsl
                : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor(async (context, metadata) =>
                {
                    var value = await token(context.CancellationToken);
                    metadata.Add("Authorization", $"Bearer {value.Trim()}");
                })),
        });
    }
}
