namespace Custodian.Cli;

/// <summary>The pace of <c>--wait</c>: a command that waits for a job in the region asks for its progress once a second.</summary>
internal static class Polling
{
    /// <summary>The time between two progress requests.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits one <see cref="Interval"/>. When the wait is cancelled (Ctrl+C), says on <paramref name="error"/> that the
    /// job goes on without us (<paramref name="stillRunning"/>), then lets the cancellation end the command.
    /// </summary>
    public static async Task DelayAsync(TextWriter error, string stillRunning, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Interval, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"Stopped waiting; {stillRunning}");
            throw;
        }
    }
}
