using Spectre.Console;

namespace Custodian.Cli;

/// <summary>
/// Follows a long job — a key rotation, a backup, a restore — by polling it once a second until it ends. On an
/// interactive terminal it draws a progress bar with the total and the time remaining; anywhere else (output
/// redirected, piped, captured by a test) it prints one plain line per poll.
/// </summary>
public static class JobProgress
{
    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The terminal to draw on when <paramref name="output"/> is the console's own, not redirected, and the
    /// terminal is interactive; otherwise <c>null</c>, and jobs print plain lines.
    /// </summary>
    public static IAnsiConsole? TerminalFor(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? AnsiConsole.Console
            : null;

    /// <summary>
    /// Polls <paramref name="job"/> with <paramref name="poll"/> while <paramref name="running"/>, and returns it as
    /// last read. With a <paramref name="terminal"/>, a bar named <paramref name="description"/> shows
    /// <paramref name="progress"/>; without, each poll prints <paramref name="line"/>. Polls wait on
    /// <paramref name="time"/> (the system's clock unless a test passes its own).
    /// </summary>
    public static async Task<T> FollowAsync<T>(
        TextWriter output,
        IAnsiConsole? terminal,
        string description,
        T job,
        Func<T, bool> running,
        Func<T, JobCount> progress,
        Func<T, string> line,
        Func<CancellationToken, Task<T>> poll,
        CancellationToken cancellationToken,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (terminal is null)
        {
            while (running(job))
            {
                await output.WriteLineAsync(line(job));
                await Task.Delay(_interval, time, cancellationToken);
                job = await poll(cancellationToken);
            }

            return job;
        }

        return await new Progress(terminal, time)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(Markup.Escape(description));
                while (running(job))
                {
                    Show(bar, description, progress(job));
                    await Task.Delay(_interval, time, cancellationToken);
                    job = await poll(cancellationToken);
                }

                // Once the job has ended, what it did is the whole: an estimate it outgrew or no total at all ends at 100 %.
                var last = progress(job);
                Show(bar, description, last.Total <= 0 || last.Done > last.Total ? last with { Total = Math.Max(1, last.Done) } : last);
                bar.StopTask();
                return job;
            });
    }

    private static void Show(ProgressTask bar, string description, JobCount count)
    {
        // A total that is not known, or that the job has outgrown (an estimate), makes the bar indeterminate
        // rather than wrong; the description still counts what is done.
        bar.IsIndeterminate = count.Total <= 0 || count.Done > count.Total;
        bar.Description = Markup.Escape(bar.IsIndeterminate ? $"{description}: {count.Done}" : $"{description}: {count.Done} of {count.Total}");
        if (!bar.IsIndeterminate)
        {
            bar.MaxValue = count.Total;
            bar.Value = count.Done;
        }
    }
}
