namespace Custodian.Cli;

/// <summary>Input that cannot be used, found after parsing (a missing file, a missing token); printed without a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
