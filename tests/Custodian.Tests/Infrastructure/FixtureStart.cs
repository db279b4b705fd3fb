namespace Custodian.Tests.Infrastructure;

/// <summary>How a fixture that starts processes and servers starts without leaving any behind.</summary>
public static class FixtureStart
{
    /// <summary>
    /// Runs <paramref name="start"/>; when it fails, runs <paramref name="dispose"/> at once, so that whatever did start
    /// stops whoever holds the fixture, and rethrows. xunit disposes the fixture again: disposing must be idempotent.
    /// </summary>
    public static async Task OrDisposeAsync(Func<Task> start, Func<Task> dispose)
    {
        try
        {
            await start();
        }
        catch
        {
            await dispose();
            throw;
        }
    }
}
