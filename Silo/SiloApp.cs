using System.Diagnostics.Metrics;
using System.Net;
using Azure.Data.Tables;
using Custodian.Access;
using Custodian.Audit;
using Custodian.Backups;
using Custodian.Hosting;
using Custodian.Silo.Audit;
using Custodian.Silo.Backups;
using Custodian.Silo.Incidents;
using Custodian.Silo.Mail;
using Custodian.Silo.Requests;
using Custodian.Keys;
using Custodian.Security;
using Custodian.Silo.Regions;
using Custodian.Silo.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Custodian.Silo;

/// <summary>Builds the silo host: one Orleans silo of a region's cluster plus its admin HTTPS endpoint.</summary>
public static class SiloApp
{
    /// <summary>The dashboard's authorization policy: an authenticated operator.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>Creates the silo application; <paramref name="configure"/> lets tests add configuration and loggers.</summary>
    public static WebApplication Build(string[] args, Action<ConfigurationManager, ILoggingBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration, builder.Logging);
        builder.AddCustodianSilo();
        var app = builder.Build();
        app.MapCustodianAdmin();
        return app;
    }

    /// <summary>Adds the Orleans silo with clustering, reminders, secure storage, TLS and the dashboard.</summary>
    public static WebApplicationBuilder AddCustodianSilo(this WebApplicationBuilder builder)
    {
        var silo = builder.AddCustodianOptions<SiloOptions>(SiloOptions.Section);
        var storage = builder.AddCustodianOptions<SecureStorageOptions>(SecureStorageOptions.Section);
        var keyRotation = builder.AddCustodianOptions<KeyRotationOptions>(KeyRotationOptions.Section);
        var clusterTls = builder.AddCustodianOptions<ClusterTlsOptions>(ClusterTlsOptions.Section);
        var adminCertificate = Certificates.Load(
            builder.AddCustodianOptions<AdminTlsOptions>(AdminTlsOptions.Section).Certificate, "the silo's admin endpoint");
        var clusterCertificate = Certificates.Load(clusterTls.Certificate, "the cluster (ClusterTls:Certificate)");
        var placement = builder.AddCustodianOptions<PlacementOptions>(PlacementOptions.Section);
        var connectionString = builder.Configuration.GetConnectionString("Storage")
            ?? throw new InvalidOperationException("No storage account is configured: set ConnectionStrings:Storage.");

        // Keys and stores are loaded before anything starts, so a missing or corrupt key file, or a region
        // missing from the placement, stops the silo before it writes anything.
        var stores = RegionStores.FromConfiguration(builder.Configuration, silo.Region, placement, storage);
        var auditOptions = builder.AddCustodianOptions<AuditOptions>(AuditOptions.Section);
        var auditKeys = AuditKeys.Load(auditOptions);
        var tables = stores.Tables;
        var address = IPAddress.Parse(silo.Address);

        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.Region;
                o.ServiceId = silo.ServiceId;
            });
            orleans.ConfigureEndpoints(address, silo.SiloPort, silo.GatewayPort);
            orleans.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new IPEndPoint(address, silo.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(address, silo.GatewayPort);
            });
            orleans.UseAzureStorageClustering(o => o.TableServiceClient = tables);
            orleans.AddCustodianGrainServices(stores, storage, keyRotation, auditKeys);
            orleans.UseTls(clusterCertificate, tls => ClusterTls.Configure(tls, clusterCertificate, clusterTls));
            // The dashboard's live log stream stays off (it answers 403): log lines name grains.
            orleans.AddDashboard(o => o.HideTrace = true);
            orleans.AddStartupTask((services, _) =>
                services.GetRequiredService<IGrainFactory>().GetGrain<IBackupGrain>(silo.Region).EnsureScheduledAsync());
            // The access review is the provider's: it is scheduled where the provider's data is written.
            orleans.AddStartupTask(async (services, _) =>
            {
                try
                {
                    if ((await services.GetRequiredService<RegionFence>().TenantAsync(Custodian.Incidents.Incident.ProviderTenant)).Writer != silo.Region)
                    {
                        return;
                    }
                }
                catch (Custodian.Storage.RegionFencedException)
                {
                    return; // the provider's data lives in other regions
                }

                await services.GetRequiredService<IGrainFactory>().GetGrain<IAccessReviewGrain>(IAccessReviewGrain.Key).EnsureScheduledAsync();
            });
            // Every start records the configuration it runs with; a silo that cannot record it does not start.
            orleans.AddStartupTask((services, _) => services.GetRequiredService<IAuditTrail>().WriteAsync(
                new AuditRecord(DateTimeOffset.UtcNow, $"custodian:silo/{silo.Region}/{silo.Address}:{silo.SiloPort}", "Configuration:Start", "config:" + services.GetRequiredService<ConfigurationDigest>().Value(), "started", silo.Address, "")));
        });

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, silo.AdminPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(adminCertificate);
        }));
        builder.AddCustodianTelemetry("custodian-silo");
        builder.AddCustodianAuthentication(dashboard: true);
        builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorPolicy, policy =>
            policy.RequireAuthenticatedUser().RequireRole(CustodianClaims.OperatorRole));
        builder.AddCustodianOptions<AccessPolicy>(AccessPolicy.Section);
        builder.AddCustodianOptions<SecurityRules>(SecurityRules.Section);
        builder.AddCustodianBackups(silo, storage, tables, connectionString);
        builder.AddCustodianMail();
        builder.AddCustodianRequests();
        builder.AddCustodianIncidents();
        builder.Services.AddSingleton<IAuditPseudonyms>(new AuditPseudonyms(auditKeys));
        builder.Services.AddCustodianAuditTrail(silo.Region, auditOptions.Partitions);
        builder.AddCustodianDenials();
        builder.Services.AddSingleton<OperatorLogin>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OperatorLogin>());
        // The trail may live in an account of its own (ConnectionStrings:Audit), e.g. one whose
        // access policy allows appends only; by default it shares the region's account.
        // Appends retry briefly: callers wait for their record, so an unreachable store should fail
        // their calls within seconds rather than hold them.
        var auditTables = new TableServiceClient(
            builder.Configuration.GetConnectionString("Audit") is { Length: > 0 } audit ? audit : connectionString,
            new TableClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1), NetworkTimeout = TimeSpan.FromSeconds(10) } });
        var pairAuditTables = builder.Configuration.GetConnectionString("PairAudit") is { Length: > 0 } pairAudit
            ? new TableServiceClient(pairAudit, RegionStores.RemoteOptions(placement))
            : stores.PairTables;
        // Heads are authenticated and compared with the pair's copy on activation; checkpoints of them go to the pair's
        // audit account (and are read from this region's too, where a restore puts a backup's).
        var auditIntegrity = builder.AddCustodianOptions<AuditIntegrityOptions>(AuditIntegrityOptions.Section);
        builder.Services.AddSingleton<IAuditStore>(services => new TableAuditStore(
            auditTables.GetTableClient("CustodianAudit"), auditKeys, services.GetRequiredService<IMeterFactory>(),
            pairAuditTables.GetTableClient("CustodianAudit"), services.GetRequiredService<PairReplica>(), services.GetRequiredService<RegionFence>(),
            auditTables.GetTableClient(AuditCheckpointRows.Table), pairAuditTables.GetTableClient(AuditCheckpointRows.Table),
            services.GetRequiredService<IntegrityAlerts>(),
            auditIntegrity.AcceptUnauthenticatedHeads, services.GetRequiredService<ILogger<TableAuditStore>>()));
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps the admin endpoint: the operator-only dashboard, its login, and health.</summary>
    public static WebApplication MapCustodianAdmin(this WebApplication app)
    {
        // The dashboard can read a grain's state by calling its parameterless methods; grain states
        // hold personal data, which operators never see. That endpoint is closed.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/dashboard/GrainState", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(OperatorPolicy);
        app.MapGet("/login", () => OperatorLogin.FormPage());
        app.MapPost("/login", (HttpContext context, [FromForm] string? token, OperatorLogin login) => login.LoginAsync(context, token))
            .DisableAntiforgery();
        app.MapHealthChecks("/health");
        return app;
    }
}
