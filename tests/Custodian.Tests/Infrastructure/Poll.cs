namespace Custodian.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it until a deadline, never by a fixed sleep.</summary>
public static class Poll
{
    /// <summary>Runs <paramref name="attempt"/> until it succeeds; rethrows its last failure at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, TimeSpan timeout, Func<Exception, bool>? retryOn = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && (retryOn?.Invoke(e) ?? true))
            {
                await Task.Delay(200);
            }
        }
    }
}
