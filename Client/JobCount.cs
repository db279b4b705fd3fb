namespace Custodian.Cli;

/// <summary>How far a job is: <paramref name="Done"/> of <paramref name="Total"/> items; a total of 0 is unknown.</summary>
/// <param name="Done">Items handled so far.</param>
/// <param name="Total">Items the job handles in all, or 0 when that is not known.</param>
public readonly record struct JobCount(long Done, long Total);
