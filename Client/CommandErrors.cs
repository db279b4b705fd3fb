using System.Security.Authentication;
using Google.Rpc;
using Grpc.Core;

namespace Custodian.Cli;

/// <summary>Runs a command's work and turns expected failures into a message on the error writer and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Runs <paramref name="work"/>; RPC failures and failed jobs exit with 1, unusable input with 2, each as one clear message.</summary>
    public static Task<int> RunAsync(TextWriter error, Func<Task> work) =>
        RunAsync(error, async () =>
        {
            await work();
            return ExitCodes.Success;
        });

    /// <summary>Runs <paramref name="work"/>, which chooses the exit code when it completes; failures as above.</summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (RpcException e)
        {
            Report(error, e);
            return ExitCodes.CallFailed;
        }
        catch (CallFailedException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.CallFailed;
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.UsageError;
        }
    }

    /// <summary>Prints <c>error: Code: message</c>, then one line per field violation of a BadRequest detail.</summary>
    private static void Report(TextWriter error, RpcException exception)
    {
        var cause = exception.Status.DebugException is { } debug ? Innermost(debug) : null;
        var detail = exception.Status.Detail;
        if (cause is not null && !detail.Contains(cause.Message, StringComparison.Ordinal))
        {
            detail += $" ({cause.Message})";
        }

        error.WriteLine($"error: {exception.StatusCode}: {detail}");
        if (cause is AuthenticationException)
        {
            error.WriteLine("  hint: the gateway's certificate was not accepted; a self-signed gateway needs --trust-cert (or CUSTODIAN_TRUST_CERT) naming exactly its certificate, e.g. .custodian/certs/gateway.crt.");
        }

        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        foreach (var violation in badRequest?.FieldViolations ?? [])
        {
            error.WriteLine($"  {violation.Field}: {violation.Description}");
        }
    }

    // A transport failure's useful words ("Connection refused", "The remote certificate was rejected") sit at the bottom.
    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
