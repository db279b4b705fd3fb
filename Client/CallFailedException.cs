namespace Custodian.Cli;

/// <summary>A call succeeded but what it started failed (e.g. a backup job); the CLI prints the message and exits with 1.</summary>
internal sealed class CallFailedException(string message) : Exception(message);
