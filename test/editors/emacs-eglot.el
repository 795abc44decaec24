;;; emacs-eglot.el --- drives Eglot in batch Emacs for test/editors/emacs.test.ts  -*- lexical-binding: t; -*-

;; Run after the user's init (the docs/editors.md block):
;;   emacs --batch -l init.el -l emacs-eglot.el FILE...
;; Visits each FILE, lets Eglot connect as it does after the user's first command, waits until Flymake holds the
;; number of diagnostics given for each file, and writes what Flymake holds as JSON.
;;
;; Environment:
;;   AVDSEC_RESULT      file to write the JSON result to
;;   AVDSEC_EXPECT      JSON {"absolute path": count}: how many diagnostics to wait for in each file
;;   AVDSEC_TIMEOUT_MS  how long to wait (default 30000)

(require 'json)
(require 'eglot)
(require 'flymake)

;; Stand-ins for the major modes users get from packages (none is installed here): bicep-mode (a Bicep mode),
;; terraform-mode (MELPA) and json-mode (MELPA, for Emacs 28, which opens .json in js-mode). They only give the files a
;; major mode of that name, which is all the documented setup keys on.
(define-derived-mode bicep-mode prog-mode "Bicep" "Stand-in for a Bicep major mode package.")
(define-derived-mode terraform-mode prog-mode "Terraform" "Stand-in for MELPA's terraform-mode.")
(define-derived-mode json-mode prog-mode "JSON" "Stand-in for MELPA's json-mode.")
(add-to-list 'auto-mode-alist '("\\.bicep\\(param\\)?\\'" . bicep-mode))
(add-to-list 'auto-mode-alist '("\\.tf\\(vars\\)?\\'" . terraform-mode))
(add-to-list 'auto-mode-alist '("\\.jsonc?\\'" . json-mode))

;; .dir-locals.el is how the documented settings reach Eglot; batch Emacs must not stop to ask about it.
(setq enable-local-variables :safe)

(defvar avdsec-test-result (list (cons 'errors nil)))
(defvar avdsec-test-log nil)

(defun avdsec-test--fail (message)
  (push message (alist-get 'errors avdsec-test-result)))

(defun avdsec-test--diagnostic (d)
  "Flymake diagnostic D as an alist.
0-based start line and character, end line and character, type, text, backend."
  (let ((beg (flymake-diagnostic-beg d))
        (end (flymake-diagnostic-end d)))
    (save-excursion
      (save-restriction
        (widen)
        (list (cons 'line (1- (line-number-at-pos beg)))
              (cons 'character (progn (goto-char beg) (- beg (line-beginning-position))))
              (cons 'endLine (1- (line-number-at-pos end)))
              (cons 'endCharacter (progn (goto-char end) (- end (line-beginning-position))))
              (cons 'type (symbol-name (flymake-diagnostic-type d)))
              (cons 'text (flymake-diagnostic-text d))
              (cons 'backend (format "%s" (flymake-diagnostic-backend d))))))))

(defvar avdsec-test--shown nil "Buffers whose Flymake was started as when they are shown.")

(defun avdsec-test--command-loop-tick (buffers)
  "Do for each of BUFFERS what the command loop does after a command and when it
shows the buffer. `eglot-ensure' connects from `post-command-hook', and batch
Emacs runs no command. Flymake, which Eglot turns on, defers its first check
until the buffer is displayed, and batch Emacs displays nothing: start it once
Eglot manages the buffer."
  (dolist (b buffers)
    (when (buffer-live-p b)
      (with-current-buffer b
        (run-hooks 'post-command-hook)
        (when (and (bound-and-true-p eglot--managed-mode) (bound-and-true-p flymake-mode)
                   (not (memq b avdsec-test--shown)))
          (push b avdsec-test--shown)
          (flymake-start))))))

(defun avdsec-test-main ()
  (let* ((expect (let ((json-object-type 'hash-table) (json-key-type 'string))
                   (json-read-from-string (or (getenv "AVDSEC_EXPECT") "{}"))))
         (timeout (/ (string-to-number (or (getenv "AVDSEC_TIMEOUT_MS") "30000")) 1000.0))
         (files (mapcar #'expand-file-name command-line-args-left))
         (buffers (mapcar #'find-file-noselect files))
         (deadline (+ (float-time) timeout))
         (settled nil))
    (setq command-line-args-left nil)
    (avdsec-test--command-loop-tick buffers)
    (while (and (not settled) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (avdsec-test--command-loop-tick buffers)
      (setq settled
            (cl-every (lambda (b)
                        (with-current-buffer b
                          (and (bound-and-true-p eglot--managed-mode)
                               (>= (length (flymake-diagnostics))
                                   (gethash (buffer-file-name b) expect 0)))))
                      buffers)))
    (unless settled
      (avdsec-test--fail (format "diagnostics did not arrive for every file within %s s" timeout)))
    ;; Let a late publication land, then read what Flymake holds.
    (accept-process-output nil 0.3)
    (avdsec-test--command-loop-tick buffers)
    (let ((servers nil) (files-result nil))
      (dolist (b buffers)
        (with-current-buffer b
          (let ((server (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))
            (when server (cl-pushnew server servers))
            (push (cons (buffer-file-name b)
                        (list (cons 'mode (symbol-name major-mode))
                              (cons 'managed (if server t :json-false))
                              (cons 'languageId (if server (eglot--language-id server) :json-null))
                              (cons 'command (if server
                                                 (vconcat (process-command (jsonrpc--process server)))
                                               []))
                              (cons 'diagnostics
                                    (vconcat (mapcar #'avdsec-test--diagnostic
                                                     (sort (flymake-diagnostics)
                                                           (lambda (x y) (< (flymake-diagnostic-beg x)
                                                                            (flymake-diagnostic-beg y)))))))))
                  files-result))))
      (push (cons 'servers (length servers)) avdsec-test-result)
      (push (cons 'files files-result) avdsec-test-result)
      (push (cons 'emacs emacs-version) avdsec-test-result)
      (push (cons 'eglot (locate-library "eglot")) avdsec-test-result)
      (dolist (s servers)
        (with-current-buffer (jsonrpc-events-buffer s)
          (push (buffer-substring-no-properties (max (point-min) (- (point-max) 4000)) (point-max)) avdsec-test-log)))
      (push (cons 'log (vconcat avdsec-test-log)) avdsec-test-result)
      (dolist (s servers) (ignore-errors (eglot-shutdown s))))))

(let ((out (or (getenv "AVDSEC_RESULT") (error "AVDSEC_RESULT is not set"))))
  (condition-case err
      (avdsec-test-main)
    (error (avdsec-test--fail (format "%S" err))))
  (setf (alist-get 'errors avdsec-test-result) (vconcat (alist-get 'errors avdsec-test-result)))
  (with-temp-file out
    (insert (json-encode avdsec-test-result)))
  (kill-emacs (if (= 0 (length (alist-get 'errors avdsec-test-result))) 0 1)))

;;; emacs-eglot.el ends here
