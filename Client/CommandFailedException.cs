namespace Custodian.Cli;

/// <summary>A call that went through but whose outcome is a failure, e.g. a backup job that failed; printed without a stack trace.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
