namespace Custodian.Tests.Infrastructure;

/// <summary>How a fixture that starts processes and servers starts without leaving any behind.</summary>
public static class FixtureStart
{
    /// <summary>
    /// Runs <paramref name="start"/>; when it fails, runs <paramref name="dispose"/> (xunit does not dispose a fixture
    /// whose start failed, so whatever did start would be left running) and rethrows.
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
