package jobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

const (
	maintenanceQueue = "maintenance"
	// maintenanceTimeout bounds one run of a task (a sweep lists every file).
	maintenanceTimeout = 10 * time.Minute
	// rescueAfter is when river takes a running job for the job of a crashed
	// instance and runs it again: longer than any job's timeout.
	rescueAfter = maintenanceTimeout + 5*time.Minute
)

// MaintenanceArgs runs one task registered with Every.
type MaintenanceArgs struct {
	Task string `json:"task"`
}

// Kind names the job in river's tables.
func (MaintenanceArgs) Kind() string { return "maintenance" }

// InsertOpts: a failed run is not tried again (the next period comes), and a
// task never runs twice at once.
func (MaintenanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: maintenanceQueue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{
		ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled},
	}}
}

type maintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	mu    sync.Mutex
	tasks map[string]func(context.Context)
}

func (w *maintenanceWorker) Timeout(*river.Job[MaintenanceArgs]) time.Duration {
	return maintenanceTimeout
}

func (w *maintenanceWorker) Work(ctx context.Context, job *river.Job[MaintenanceArgs]) error {
	w.mu.Lock()
	fn := w.tasks[job.Args.Task]
	w.mu.Unlock()
	if fn == nil {
		return river.JobCancel(fmt.Errorf("unknown maintenance task %q", job.Args.Task))
	}
	fn(ctx)
	return nil
}

// Every runs fn every interval, and once when the runner starts, on one
// instance among those sharing the database: river's leader schedules
// periodic jobs, and any instance may work them. fn logs its own errors.
// Register the same tasks on every instance, before Start.
func (r *Runner) Every(task string, interval time.Duration, fn func(ctx context.Context)) error {
	r.maintenance.mu.Lock()
	_, dup := r.maintenance.tasks[task]
	if !dup {
		r.maintenance.tasks[task] = fn
	}
	r.maintenance.mu.Unlock()
	if dup {
		return fmt.Errorf("jobs: task %q registered twice", task)
	}
	_, err := r.client.PeriodicJobs().AddSafely(river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{Task: task}, nil },
		&river.PeriodicJobOpts{ID: task, RunOnStart: true}))
	if err != nil {
		return fmt.Errorf("jobs: task %q: %w", task, err)
	}
	return nil
}
