using System.Net;
using Custodian.Audit;
using Custodian.Gateway.Access;
using Custodian.Gateway.Audit;
using Custodian.Gateway.Routing;
using Custodian.Gateway.Security;
using Custodian.Gateway.Services;
using Custodian.Gateway.Validation;
using Custodian.Hosting;
using Custodian.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Custodian.Gateway;

/// <summary>Builds the gateway: gRPC over HTTPS (HTTP/2 only), JWT authentication, an Orleans client per region it forwards to.</summary>
public static class GatewayApp
{
    /// <summary>Creates the gateway application; <paramref name="configure"/> lets tests add configuration and loggers.</summary>
    public static WebApplication Build(string[] args, Action<ConfigurationManager, ILoggingBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration, builder.Logging);
        builder.AddCustodianGateway();
        var app = builder.Build();
        app.MapCustodianGateway();
        return app;
    }

    /// <summary>Adds Kestrel on HTTPS/HTTP2, authentication, gRPC with health and reflection, and the regions' cluster clients.</summary>
    public static WebApplicationBuilder AddCustodianGateway(this WebApplicationBuilder builder)
    {
        var gateway = builder.AddCustodianOptions<GatewayOptions>(GatewayOptions.Section);
        var clusterTls = builder.AddCustodianOptions<ClusterTlsOptions>(ClusterTlsOptions.Section);
        var clusterCertificate = Certificates.Load(clusterTls.Certificate, "the cluster (ClusterTls:Certificate)");
        var httpsCertificate = Certificates.Load(
            builder.AddCustodianOptions<GatewayTlsOptions>(GatewayTlsOptions.Section).Certificate, "the gateway (Tls:Certificate)");

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(gateway.Address), gateway.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(httpsCertificate);
        }));

        builder.AddCustodianRouting(gateway, clusterTls, clusterCertificate);

        builder.AddCustodianTelemetry("custodian-gateway");
        builder.AddCustodianAuthentication();
        builder.Services.AddSingleton<RateLimitInterceptor>();
        var audit = builder.AddCustodianOptions<AuditOptions>(AuditOptions.Section);
        builder.Services.AddSingleton(AuditKeys.Load(audit));
        builder.Services.AddSingleton<IAuditTrail, ObservedAuditTrail>();
        builder.Services.AddCustodianAuditTrail(gateway.Region, audit.Partitions);
        builder.Services.AddSingleton<RegionalAuditTrail>();
        builder.Services.AddSingleton<ActivityMonitor>();
        builder.AddCustodianDenials();
        builder.Services.AddSingleton<DeniedCalls>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeniedCalls>());
        builder.AddCustodianOptions<SecurityRules>(SecurityRules.Section);
        builder.Services.AddHostedService<ActivityReporter>();
        builder.Services.AddHostedService<ConfigurationAudit>();
        builder.Services.AddSingleton<AuditInterceptor>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditedAuthorizationResultHandler>();
        builder.Services.AddSingleton<GrantCache>();
        builder.Services.AddSingleton<AccessDecider>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = gateway.MaxReceiveMessageSize;
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<RoutingInterceptor>();
            o.Interceptors.Add<RateLimitInterceptor>();
            o.Interceptors.Add<AuditInterceptor>();
        }).AddRequestValidation();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(o => o.UseHealthChecksCache = false).AddCheck<ClusterHealthCheck>("cluster").AddCheck<ReplicationHealthCheck>("replication");
        return builder;
    }

    /// <summary>Maps the gRPC services, health (anonymous, for probes) and reflection (authenticated).</summary>
    public static WebApplication MapCustodianGateway(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMessageSizeLimit();
        app.MapGrpcService<SubjectsService>();
        app.MapGrpcService<KeysService>();
        app.MapGrpcService<BackupsService>();
        app.MapGrpcService<AccessService>();
        app.MapGrpcService<SecurityReportsService>();
        app.MapGrpcService<AuditService>();
        app.MapGrpcService<RequestsService>();
        app.MapGrpcService<IncidentsService>();
        app.MapGrpcService<RegionsService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService().RequireAuthorization();
        return app;
    }
}
