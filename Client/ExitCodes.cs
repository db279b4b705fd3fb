namespace Custodian.Cli;

/// <summary>The process exit codes of <c>custodian</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A call to the gateway failed; the gRPC status was printed.</summary>
    public const int CallFailed = 1;

    /// <summary>The command line or a file it names was not usable; nothing was called.</summary>
    public const int UsageError = 2;

    /// <summary>A verification ran and found the audit trail broken; what broke was printed.</summary>
    public const int TrailBroken = 3;
}
