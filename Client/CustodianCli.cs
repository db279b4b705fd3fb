using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Custodian.Cli;

/// <summary>
/// The <c>custodian</c> command tree. Every command writes through the given writers, so tests can run
/// commands in-process and read what they printed.
/// </summary>
public static class CustodianCli
{
    /// <summary>
    /// The command tree, writing command output to <paramref name="output"/> and errors to <paramref name="error"/>.
    /// Help and parse errors follow the <see cref="InvocationConfiguration"/> instead; <see cref="InvokeAsync"/> sets both.
    /// </summary>
    public static RootCommand Create(TextWriter output, TextWriter error) => new("Custodian: personal data held for tenants' data subjects.")
    {
        TokenCommands.Create(output, error),
        SubjectsCommands.Create(output, error),
        KeysCommands.Create(output, error),
        RegionsCommands.Create(output, error),
        BackupCommands.Create(output, error),
        AccessCommands.Create(output, error),
        SecurityCommands.Create(output, error),
        RequestsCommands.Create(output, error),
        IncidentsCommands.Create(output, error),
        AuditCommands.Create(output, error),
    };

    /// <summary>
    /// Parses and runs <paramref name="args"/>; help and parse errors go to the same writers as command output.
    /// Returns 0, <see cref="ExitCodes.CallFailed"/> or <see cref="ExitCodes.UsageError"/>.
    /// </summary>
    public static async Task<int> InvokeAsync(
        IReadOnlyList<string> args,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default)
    {
        var parseResult = Create(output, error).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // Not System.CommandLine's report: that prints help to the output (where `TOKEN=$(...)` would capture it)
            // and exits with 1, which here means a failed call.
            ReportUsageErrors(parseResult, error);
            return ExitCodes.UsageError;
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static void ReportUsageErrors(ParseResult parseResult, TextWriter error)
    {
        foreach (var parseError in parseResult.Errors)
        {
            error.WriteLine($"error: {parseError.Message}");
        }

        var path = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            path.Insert(0, command.Command is RootCommand ? "custodian" : command.Command.Name);
        }

        error.WriteLine($"See '{string.Join(' ', path)} --help'.");
    }
}
