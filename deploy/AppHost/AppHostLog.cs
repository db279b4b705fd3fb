using Microsoft.Extensions.Logging;

namespace Custodian.AppHost;

internal static partial class AppHostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = """
        Custodian is up.
          gRPC endpoints:     {GatewayEndpoints} (trust the certificate .custodian/certs/gateway.crt)
          Orleans dashboards: {Dashboards} (log in at /login with an operator token)
          Mail sent:          {MailUi} (smtp4dev; nothing leaves the machine)
          Aspire dashboard:   {AspireDashboard} (its login link is printed above)
          Mint a token:       dotnet run --project Client -- token mint --role app --tenant acme
        """)]
    public static partial void PlatformReady(ILogger logger, string gatewayEndpoints, string dashboards, string mailUi, string aspireDashboard);
}
