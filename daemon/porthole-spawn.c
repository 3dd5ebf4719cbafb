/* porthole-spawn.c
 *
 * Why not g_spawn: a run must be inside its cgroup before it can fork,
 * and a child that moves itself in (writing cgroup.procs between fork and
 * exec) waits for the kernel's cgroup rwsem, which costs an RCU grace
 * period: 5–20 ms per run on a quiet machine, more than starting Python.
 * clone3() with CLONE_INTO_CGROUP (Linux 5.7) starts the child inside
 * instead. Older kernels get fork() and the move.
 *
 * And why not fork: copying the daemon's address space (hundreds of
 * mappings, with the desktop's libraries) and tearing the copy down at
 * exec costs about a millisecond per run. On x86-64 the child shares the
 * parent's memory until exec, as posix_spawn() does (CLONE_VM and
 * CLONE_VFORK: the calling thread waits), on a stack of its own.
 *
 * Between clone and exec the child only makes async-signal-safe system
 * calls and writes nothing the parent reads but the error pipe:
 * everything it needs (the program's path, the descriptor plan) is
 * prepared by the parent.
 *
 * A child dies with the daemon (PR_SET_PDEATHSIG, SIGKILL): a crash must
 * not leave runs, kernels or terminals behind with no one to end them.
 * The signal comes when the *thread* that forked exits, so it is armed
 * only for children of the main thread, which lives as long as the
 * process (every spawn happens there: children are watched from the
 * main context). Its descendants are found by their cgroup
 * (porthole-cgroup.c) or session (porthole-process-ledger.c).
 *
 * As PID 1 of a container (or a child subreaper, when configured) the
 * daemon gets a run's orphans, double-forked daemons included, as
 * children, and their zombies would pile up, since GLib only waits for
 * the pids it watches. porthole_spawn_reap_orphans() waits for the others; children
 * started here (or claimed) are left to their child watch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "porthole-fd-limit.h"
#include "porthole-procfs.h"
#include "porthole-spawn.h"

/* How often zombies of orphans are looked for: GLib owns SIGCHLD. */
#define REAP_INTERVAL_SECONDS 1

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Children whose child watch reaps them (pid → pid); the reaper leaves
 * them alone. The lock is held from clone to insertion, so the reaper
 * never takes a child of ours before it is listed. */
static GMutex own_lock;
static GHashTable *own_children;

/* What the child reports on its error pipe before it gives up. */
enum
{
  STAGE_DUP,
  STAGE_USER,
  STAGE_CHDIR,
  STAGE_EXEC,
};

typedef struct
{
  const PortholeSpawnArgs *args;
  const char *program;
  int *sources;          /* stdin, stdout, stderr, then the extra ones */
  const int *targets;
  guint n;
  const int *keep;       /* targets above 2, ascending */
  guint n_keep;
  int high;              /* above every target */
  int report_fd;
  pid_t parent;          /* to die with, or 0 */
  gboolean join_cgroup;
  gboolean shares_memory; /* CLONE_VM: the parent's signal handlers are ours */
  gboolean restore_nofile; /* the daemon raised its RLIMIT_NOFILE: give back */
  struct rlimit nofile;
} Plan;

/* Cleared once the kernel says it has no clone3 or no CLONE_INTO_CGROUP. */
static gint clone3_usable = TRUE;

G_NORETURN static void
child_fail (int report_fd,
            int stage)
{
  int message[2] = { stage, errno };

  if (write (report_fd, message, sizeof message) < 0)
    {
      /* Nobody left to tell. */
    }
  _exit (127);
}

static gboolean
is_kept (const Plan *plan,
         int         fd)
{
  for (guint i = 0; i < plan->n_keep; i++)
    {
      if (plan->keep[i] == fd)
        return TRUE;
    }
  return FALSE;
}

/* Marks [low, ∞) close-on-exec, one by one, when close_range() cannot:
 * /proc/self/fd read with getdents64 (opendir would allocate). */
static void
cloexec_from_proc (const Plan *plan,
                   int         low)
{
  char buffer[4096];
  int dir = open ("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  long n;

  if (dir < 0)
    return;

  while ((n = syscall (SYS_getdents64, dir, buffer, sizeof buffer)) > 0)
    {
      for (long offset = 0; offset < n;)
        {
          struct
          {
            guint64 ino;
            gint64 off;
            unsigned short reclen;
            unsigned char type;
            char name[];
          } *entry = (void *) (buffer + offset);
          int fd = 0;
          const char *p;

          offset += entry->reclen;
          for (p = entry->name; *p >= '0' && *p <= '9'; p++)
            fd = fd * 10 + (*p - '0');
          if (*p != '\0' || p == entry->name || fd < low || fd == dir || is_kept (plan, fd))
            continue;
          fcntl (fd, F_SETFD, FD_CLOEXEC);
        }
    }
  close (dir);
}

static void
cloexec_range (const Plan   *plan,
               unsigned int  first,
               unsigned int  last)
{
  if (first <= last && syscall (SYS_close_range, first, last, CLOSE_RANGE_CLOEXEC) != 0)
    cloexec_from_proc (plan, (int) first);
}

/* In the child, between fork and exec. */
G_NORETURN static void
child_main (Plan *plan)
{
  const PortholeSpawnArgs *args = plan->args;
  unsigned int low = 3;
  sigset_t none;

  /* Before anything can fork, so nothing escapes the cgroup. Should the
   * move fail, the run still goes ahead, held by its process group. */
  if (plan->join_cgroup && args->cgroup_procs_fd >= 0 && write (args->cgroup_procs_fd, "0", 1) < 0)
    {
      /* See above. */
    }

  /* Had the parent died before prctl(), the child would already belong
   * to another and never get the signal: nobody is left to run for. */
  if (plan->parent != 0 && prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 &&
      getppid () != plan->parent)
    _exit (127);

  setsid ();

  /* A handler of the parent's must not run here, on its memory: the
   * parent blocked every signal before the clone; back to the defaults
   * before they are unblocked. */
  if (plan->shares_memory)
    {
      for (int signum = 1; signum < NSIG; signum++)
        {
          struct sigaction action;

          if (sigaction (signum, NULL, &action) == 0 &&
              action.sa_handler != SIG_DFL && action.sa_handler != SIG_IGN)
            signal (signum, SIG_DFL);
        }
    }

  /* The daemon ignores SIGPIPE, and an ignored signal survives exec. */
  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  if (args->oom_score_adj != NULL)
    {
      int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

      if (fd >= 0)
        {
          if (write (fd, args->oom_score_adj, strlen (args->oom_score_adj)) < 0)
            {
              /* The child still runs, without the adjustment. */
            }
          close (fd);
        }
    }

  /* Every source above every target first, so that no dup2() below
   * overwrites a source still to be used. */
  plan->report_fd = fcntl (plan->report_fd, F_DUPFD_CLOEXEC, plan->high);
  if (plan->report_fd < 0)
    _exit (127);
  for (guint i = 0; i < plan->n; i++)
    {
      if (plan->sources[i] < plan->high &&
          (plan->sources[i] = fcntl (plan->sources[i], F_DUPFD_CLOEXEC, plan->high)) < 0)
        child_fail (plan->report_fd, STAGE_DUP);
    }
  for (guint i = 0; i < plan->n; i++)
    {
      if (dup2 (plan->sources[i], plan->targets[i]) < 0)
        child_fail (plan->report_fd, STAGE_DUP);
    }

  if (args->controlling_tty)
    ioctl (STDIN_FILENO, TIOCSCTTY, 0);

  /* Only 0, 1, 2 and the targets cross exec. */
  for (guint i = 0; i < plan->n_keep; i++)
    {
      cloexec_range (plan, low, (unsigned int) plan->keep[i] - 1);
      low = (unsigned int) plan->keep[i] + 1;
    }
  cloexec_range (plan, low, ~0U);

  /* Groups, gid, then uid (after it, the others are no longer ours to
   * set), each checked: a child left with root's identity must not run.
   * Raw system calls: glibc's wrappers would signal every thread of the
   * parent, whose memory this child may share. Before chdir, so the
   * directory is entered as the user. */
  if (args->switch_user)
    {
      uid_t ruid, euid, suid;
      gid_t rgid, egid, sgid;

      if (syscall (SYS_setgroups, (size_t) args->n_groups, args->groups) != 0 ||
          syscall (SYS_setresgid, args->gid, args->gid, args->gid) != 0 ||
          syscall (SYS_setresuid, args->uid, args->uid, args->uid) != 0)
        child_fail (plan->report_fd, STAGE_USER);
      if (syscall (SYS_getresgid, &rgid, &egid, &sgid) != 0 ||
          syscall (SYS_getresuid, &ruid, &euid, &suid) != 0 ||
          rgid != args->gid || egid != args->gid || sgid != args->gid ||
          ruid != args->uid || euid != args->uid || suid != args->uid)
        {
          errno = EPERM;
          child_fail (plan->report_fd, STAGE_USER);
        }

      /* A change of credentials clears the parent-death signal. */
      if (plan->parent != 0 && prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 &&
          getppid () != plan->parent)
        _exit (127);
    }

  if (args->cwd != NULL && chdir (args->cwd) != 0)
    child_fail (plan->report_fd, STAGE_CHDIR);

  /* The limit the daemon was started with (porthole-fd-limit.c): it is
   * only lowered, which needs no privilege; should that still fail, the
   * child runs with the daemon's limit. */
  if (plan->restore_nofile)
    (void) setrlimit (RLIMIT_NOFILE, &plan->nofile);

  execve (plan->program, (char *const *) args->argv, (char *const *) args->envp);
  child_fail (plan->report_fd, STAGE_EXEC);
}

/* AddressSanitizer cannot follow a child onto another stack (its
 * interceptors report the child's locals as overflows): sanitized builds
 * fork, as other architectures do. */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define HAVE_CLONE_SHARED 1
#endif

#ifdef HAVE_CLONE_SHARED
#define CHILD_STACK_SIZE (256 * 1024)

G_LOCK_DEFINE_STATIC (child_stack);
static guint8 *child_stack;

static void
child_entry (void *data)
{
  child_main (data);
}

/* clone3 with the child on @stack_top, running @fn (@data), never
 * returning: a C wrapper cannot start a child on another stack, since the
 * child would return into frames that are not on it. */
static long
clone3_on_stack (struct clone_args *args,
                 void             (*fn) (void *),
                 void              *data)
{
  register long rax __asm__ ("rax") = SYS_clone3;
  register struct clone_args *rdi __asm__ ("rdi") = args;
  register unsigned long rsi __asm__ ("rsi") = sizeof *args;
  register void (*r12) (void *) __asm__ ("r12") = fn;
  register void *r13 __asm__ ("r13") = data;

  __asm__ __volatile__ ("syscall\n\t"
                        "testq %%rax, %%rax\n\t"
                        "jnz 1f\n\t"
                        /* The child: no frame above this one. */
                        "xorl %%ebp, %%ebp\n\t"
                        "movq %%r13, %%rdi\n\t"
                        "callq *%%r12\n\t"
                        "ud2\n"
                        "1:\n\t"
                        : "+r" (rax)
                        : "r" (rdi), "r" (rsi), "r" (r12), "r" (r13)
                        : "rcx", "r11", "memory", "cc");
  return rax;
}

/* The child runs on the parent's memory until exec: -1 with errno when
 * that cannot be done here. */
static pid_t
clone_shared (Plan              *plan,
              struct clone_args *clone_args)
{
  sigset_t all, saved;
  long pid;

  G_LOCK (child_stack);
  if (child_stack == NULL)
    {
      void *stack = mmap (NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

      if (stack == MAP_FAILED)
        {
          G_UNLOCK (child_stack);
          return -1;
        }
      /* A guard page below: an overflow faults instead of writing on. */
      mprotect (stack, 4096, PROT_NONE);
      child_stack = stack;
    }

  clone_args->flags |= CLONE_VM | CLONE_VFORK;
  clone_args->stack = (guint64) (guintptr) child_stack;
  clone_args->stack_size = CHILD_STACK_SIZE;
  plan->shares_memory = TRUE;

  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &saved);
  pid = clone3_on_stack (clone_args, child_entry, plan);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  G_UNLOCK (child_stack);

  if (pid < 0)
    {
      errno = (int) -pid;
      plan->shares_memory = FALSE;
      return -1;
    }
  return (pid_t) pid;
}
#endif

/* Children are listed only once the reaper runs. */
static void
own_claim_locked (GPid pid)
{
  if (own_children != NULL)
    g_hash_table_add (own_children, GINT_TO_POINTER (pid));
}

/* Starts the child, which runs child_main(); returns its pid (or -1 with
 * errno) in the parent only. */
static pid_t
clone_child (Plan *plan)
{
  static gsize checked;
  const PortholeSpawnArgs *args = plan->args;
  struct clone_args clone_args = { .exit_signal = SIGCHLD };
  pid_t pid = -1;

  /* For tests of the older kernels' path. */
  if (g_once_init_enter (&checked))
    {
      if (g_getenv ("PORTHOLE_SPAWN_NO_CLONE3") != NULL)
        g_atomic_int_set (&clone3_usable, FALSE);
      g_once_init_leave (&checked, 1);
    }

  if (args->cgroup_dir_fd >= 0)
    {
      clone_args.flags = CLONE_INTO_CGROUP;
      clone_args.cgroup = (guint64) args->cgroup_dir_fd;
    }

  if (g_atomic_int_get (&clone3_usable))
    {
      /* A v1 cgroup is joined from inside (cgroup.procs). */
      plan->join_cgroup = args->cgroup_dir_fd < 0 && args->cgroup_procs_fd >= 0;
#ifdef HAVE_CLONE_SHARED
      pid = clone_shared (plan, &clone_args);
#else
      pid = syscall (SYS_clone3, &clone_args, sizeof clone_args);
      if (pid == 0)
        child_main (plan);
#endif
      if (pid >= 0)
        return pid;
      if (errno == ENOSYS || errno == E2BIG || errno == EINVAL)
        {
          g_debug ("clone3 is not available (%s): runs fork and move into their cgroup",
                   g_strerror (errno));
          g_atomic_int_set (&clone3_usable, FALSE);
        }
      /* Anything else (the cgroup refusing us): the old way for this one. */
    }

  plan->join_cgroup = args->cgroup_procs_fd >= 0;
  pid = fork ();
  if (pid == 0)
    child_main (plan);
  return pid;
}

/* Looks @name up in @envp's PATH, as execvpe() would in the child. */
static char *
find_program (const char         *name,
              const char *const  *envp,
              GError            **error)
{
  const char *path = "/usr/local/bin:/usr/bin:/bin";
  g_auto(GStrv) dirs = NULL;
  int errsv = ENOENT;

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    {
      if (g_str_has_prefix (envp[i], "PATH="))
        path = envp[i] + strlen ("PATH=");
    }

  dirs = g_strsplit (path, ":", -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (*dirs[i] != '\0' ? dirs[i] : ".", name, NULL);
      struct stat st;

      if (stat (candidate, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (access (candidate, X_OK) == 0)
        return g_steal_pointer (&candidate);
      errsv = EACCES;
    }

  g_set_error (error, G_SPAWN_ERROR, errsv == EACCES ? G_SPAWN_ERROR_ACCES : G_SPAWN_ERROR_NOENT,
               "Failed to execute child process “%s” (%s)", name, g_strerror (errsv));
  return NULL;
}

static GSpawnError
spawn_error_from_errno (int errsv)
{
  switch (errsv)
    {
    case EACCES: return G_SPAWN_ERROR_ACCES;
    case EPERM: return G_SPAWN_ERROR_PERM;
    case E2BIG: return G_SPAWN_ERROR_TOO_BIG;
    case ENOEXEC: return G_SPAWN_ERROR_NOEXEC;
    case ENAMETOOLONG: return G_SPAWN_ERROR_NAMETOOLONG;
    case ENOENT: return G_SPAWN_ERROR_NOENT;
    case ENOMEM: return G_SPAWN_ERROR_NOMEM;
    case ENOTDIR: return G_SPAWN_ERROR_NOTDIR;
    case ELOOP: return G_SPAWN_ERROR_LOOP;
    case ETXTBSY: return G_SPAWN_ERROR_TXTBUSY;
    case EIO: return G_SPAWN_ERROR_IO;
    case ENFILE: return G_SPAWN_ERROR_NFILE;
    case EMFILE: return G_SPAWN_ERROR_MFILE;
    case EINVAL: return G_SPAWN_ERROR_INVAL;
    case EISDIR: return G_SPAWN_ERROR_ISDIR;
    case ELIBBAD: return G_SPAWN_ERROR_LIBBAD;
    default: return G_SPAWN_ERROR_FAILED;
    }
}

/* Waits for exec (the pipe closes) or for the child's report. */
static gboolean
read_report (int          fd,
             pid_t        pid,
             const Plan  *plan,
             GError     **error)
{
  int message[2];
  gsize got = 0;

  while (got < sizeof message)
    {
      ssize_t n = read (fd, (char *) message + got, sizeof message - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += n;
    }

  if (got < sizeof message)
    return TRUE;

  /* The child is gone: reap it here, nobody else knows of it. */
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;

  switch (message[0])
    {
    case STAGE_CHDIR:
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_CHDIR, "Failed to change to directory “%s” (%s)",
                   plan->args->cwd, g_strerror (message[1]));
      break;
    case STAGE_USER:
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_PERM, "Failed to run as uid %u (%s)",
                   (guint) plan->args->uid, g_strerror (message[1]));
      break;
    case STAGE_EXEC:
      g_set_error (error, G_SPAWN_ERROR, spawn_error_from_errno (message[1]),
                   "Failed to execute child process “%s” (%s)", plan->args->argv[0], g_strerror (message[1]));
      break;
    default:
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "Failed to redirect output or input of child process (%s)", g_strerror (message[1]));
      break;
    }
  return FALSE;
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/**
 * porthole_spawn:
 * @pid: (out): the child, for the caller to reap (a GLib child watch)
 *
 * Starts @args' program in a new session; called from the main thread,
 * the child dies with the daemon. Failures to find or run it are
 * %G_SPAWN_ERROR errors, as with g_spawn_async().
 */
gboolean
porthole_spawn (const PortholeSpawnArgs  *args,
                GPid                     *pid,
                GError                  **error)
{
  g_autofree char *found = NULL;
  g_autofree int *sources = NULL;
  g_autofree int *targets = NULL;
  g_autofree int *keep = NULL;
  int report[2];
  gboolean ok;
  pid_t child;
  Plan plan = { .args = args, .program = args->argv[0] };

  g_return_val_if_fail (args->argv != NULL && args->argv[0] != NULL, FALSE);

  if (gettid () == getpid ())
    plan.parent = getpid ();
  else
    g_debug ("Spawning %s outside the main thread: it will not die with the daemon", args->argv[0]);

  if (args->search_path && strchr (args->argv[0], '/') == NULL)
    {
      if ((found = find_program (args->argv[0], args->envp, error)) == NULL)
        return FALSE;
      plan.program = found;
    }

  plan.n = 3 + args->n_fds;
  plan.sources = sources = g_new (int, plan.n);
  plan.targets = targets = g_new (int, plan.n);
  plan.keep = keep = g_new (int, args->n_fds + 1);
  sources[0] = args->stdin_fd;
  sources[1] = args->stdout_fd;
  sources[2] = args->stderr_fd;
  for (guint i = 0; i < 3; i++)
    targets[i] = (int) i;
  plan.high = 3;
  for (guint i = 0; i < args->n_fds; i++)
    {
      sources[3 + i] = args->source_fds[i];
      targets[3 + i] = args->target_fds[i];
      g_return_val_if_fail (targets[3 + i] > 2, FALSE);
      keep[plan.n_keep++] = targets[3 + i];
      plan.high = MAX (plan.high, targets[3 + i] + 1);
    }
  qsort (keep, plan.n_keep, sizeof *keep, compare_ints);

  plan.restore_nofile = porthole_fd_limit_get_inherited (&plan.nofile);

  if (!g_unix_open_pipe (report, FD_CLOEXEC, error))
    return FALSE;
  plan.report_fd = report[1];

  g_mutex_lock (&own_lock);
  child = clone_child (&plan);
  close (report[1]);
  if (child < 0)
    {
      int errsv = errno;

      g_mutex_unlock (&own_lock);
      close (report[0]);
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FORK, "Failed to fork (%s)", g_strerror (errsv));
      return FALSE;
    }

  ok = read_report (report[0], child, &plan, error);
  close (report[0]);
  if (ok)
    {
      *pid = child;
      own_claim_locked (child);
    }
  g_mutex_unlock (&own_lock);
  return ok;
}

/**
 * porthole_spawn_claim:
 * @pid: a child started elsewhere (g_spawn_*) that a child watch reaps
 *
 * Keeps the orphan reaper away from @pid.
 */
void
porthole_spawn_claim (GPid pid)
{
  g_mutex_lock (&own_lock);
  own_claim_locked (pid);
  g_mutex_unlock (&own_lock);
}

static void
reap (pid_t pid)
{
  while (waitpid (pid, NULL, WNOHANG) < 0 && errno == EINTR)
    ;
}

/* Our zombies that are not our own children, found in /proc: when a
 * child of ours is the zombie waitid() names first, it hides the rest. */
static void
reap_orphans_in_procfs (void)
{
  g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);

  for (guint i = 0; pids != NULL && i < pids->len; i++)
    {
      int pid = g_array_index (pids, int, i);
      PortholeProcStat stat;

      if (porthole_procfs_read_stat (pid, &stat) && stat.ppid == getpid () && stat.state == 'Z' &&
          !g_hash_table_contains (own_children, GINT_TO_POINTER (pid)))
        reap (pid);
    }
}

/* Forgets children that are gone (their watch reaped them). */
static void
prune_own_children (void)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, own_children);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (kill (GPOINTER_TO_INT (key), 0) != 0 && errno == ESRCH)
        g_hash_table_iter_remove (&iter);
    }
}

static gboolean
reap_orphans_cb (gpointer user_data)
{
  g_mutex_lock (&own_lock);
  for (;;)
    {
      siginfo_t info = { 0 };

      /* Looks without reaping: the zombie may be a watched child. */
      if (waitid (P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
        break;
      if (g_hash_table_contains (own_children, GINT_TO_POINTER (info.si_pid)))
        {
          reap_orphans_in_procfs ();
          break;
        }
      reap (info.si_pid);
    }
  prune_own_children ();
  g_mutex_unlock (&own_lock);

  return G_SOURCE_CONTINUE;
}

/**
 * porthole_spawn_reap_orphans:
 * @subreaper: become a child subreaper (PID 1 already is one)
 *
 * Optionally makes the daemon a child subreaper, and waits
 * for the orphans that become its children, on the main context, from
 * now on. Call it before starting any child: everything the daemon
 * starts must go through porthole_spawn() or porthole_spawn_claim().
 */
void
porthole_spawn_reap_orphans (gboolean subreaper)
{
  g_autoptr(GSource) source = NULL;

  g_return_if_fail (own_children == NULL);

  /* Not by default: a killed subreaper took its runs' trees along
   * (Linux 6.18), while a crash must leave them for the guardian or the
   * next daemon to end (tests/test-daemon-crash.c). */
  if (subreaper && getpid () != 1 && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    g_warning ("Could not become a child subreaper: %s", g_strerror (errno));

  g_mutex_lock (&own_lock);
  own_children = g_hash_table_new (NULL, NULL);
  g_mutex_unlock (&own_lock);

  source = g_timeout_source_new_seconds (REAP_INTERVAL_SECONDS);
  g_source_set_callback (source, reap_orphans_cb, NULL, NULL);
  g_source_set_static_name (source, "[porthole] orphan reaper");
  g_source_attach (source, NULL);
}
