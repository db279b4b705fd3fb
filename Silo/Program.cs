using Custodian.Silo;

await SiloApp.Build(args).RunAsync();
