using Custodian.Gateway;

await GatewayApp.Build(args).RunAsync();
