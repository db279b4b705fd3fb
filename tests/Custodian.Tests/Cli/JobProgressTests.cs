using Custodian.Cli;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace Custodian.Tests.Cli;

/// <summary>How the CLI follows a long job: a bar on an interactive terminal, plain lines anywhere else.</summary>
public sealed class JobProgressTests
{
    [Fact]
    public async Task WithoutATerminalEachPollPrintsALineAndTheLastJobIsReturned()
    {
        // Arrange
        var output = new StringWriter();
        var polls = new Queue<JobCount>([new(2, 4), new(4, 4)]);

        // Act
        var last = await FollowAsync(output, terminal: null, new JobCount(0, 4), polls);

        // Assert
        Assert.Equal(new JobCount(4, 4), last);
        Assert.Equal(["keys: 0 of 4", "keys: 2 of 4"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task OnAnInteractiveTerminalABarShowsTheTotalAndTheTimeRemaining()
    {
        // Arrange: a terminal that says it is interactive, writing to a string
        var (terminal, screen) = InteractiveTerminal();
        var output = new StringWriter();
        var polls = new Queue<JobCount>([new(2, 4), new(4, 4)]);

        // Act
        var last = await FollowAsync(output, terminal, new JobCount(0, 4), polls);

        // Assert: the bar went to the terminal, no plain line to the output
        Assert.Equal(new JobCount(4, 4), last);
        Assert.Empty(output.ToString());
        var drawn = screen.ToString();
        Assert.Contains("Rewrapping: 4 of 4", drawn);
        Assert.Contains("100%", drawn);
        Assert.Matches(@"\d:\d\d:\d\d", drawn);
    }

    [Fact]
    public async Task AJobWithoutAKnownTotalEndsItsBarAtWhatItDid()
    {
        // Arrange: a backup with no earlier one to estimate from (total 0) that stores three states
        var (terminal, screen) = InteractiveTerminal();
        var polls = new Queue<JobCount>([new(1, 0), new(3, 0)]);

        // Act
        var last = await FollowAsync(new StringWriter(), terminal, new JobCount(0, 0), polls, running: c => c.Done < 3);

        // Assert: the whole, at 100 %
        Assert.Equal(new JobCount(3, 0), last);
        var drawn = screen.ToString();
        Assert.Contains("Rewrapping: 3 of 3", drawn);
        Assert.Contains("100%", drawn);
    }

    [Fact]
    public void OutputOtherThanTheConsolesOwnGetsNoTerminal()
    {
        Assert.Null(JobProgress.TerminalFor(new StringWriter()));
    }

    /// <summary>A terminal that says it is interactive, drawing into the returned writer.</summary>
    private static (IAnsiConsole Terminal, StringWriter Screen) InteractiveTerminal()
    {
        var screen = new StringWriter();
        return (AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        }), screen);
    }

    /// <summary>Follows a job that is running until it has done its total, polling <paramref name="polls"/> on a clock the test advances.</summary>
    private static async Task<JobCount> FollowAsync(TextWriter output, IAnsiConsole? terminal, JobCount first, Queue<JobCount> polls, Func<JobCount, bool>? running = null)
    {
        var time = new FakeTimeProvider();
        var follow = JobProgress.FollowAsync(
            output,
            terminal,
            "Rewrapping",
            first,
            running ?? (c => c.Done < c.Total),
            c => c,
            c => $"keys: {c.Done} of {c.Total}",
            _ => Task.FromResult(polls.Dequeue()),
            CancellationToken.None,
            time);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!follow.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        return await follow;
    }
}
