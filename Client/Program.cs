using Custodian.Cli;

return await CustodianCli.InvokeAsync(args, Console.Out, Console.Error);
